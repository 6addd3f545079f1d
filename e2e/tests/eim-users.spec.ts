// Utilisateurs EIM (issue 21): the account's EIM users, ten a page (NextPageToken here,
// FirstItem on OUTSCALE), a search by name over every page; Créer un utilisateur (name,
// path, email) with the API's field errors next to their field; Modifier; Supprimer after
// a confirmation naming the user, refused by the API while the user has access keys, with
// the offer to delete them first; a user's keys (Clés d'accès' own section: the secret
// shown once); whether each user has set up a password. Keyboard only, French and
// English, 320 px, axe; the secret in no storage nor the URL. An EIM user is not offered
// the page. Then against OUTSCALE's API through the proxy, whose users carry neither
// HasPassword nor NextPageToken.

import type { Page, Request } from '@playwright/test';
import { collectCspViolations, DEMO_ACCOUNT, expect, expectNoAxeViolations, signIn, test } from '../fixtures';
import { demoKey, demoUser, expectSecretKept, openFromProfileMenu, press, sessionOf, signedCall, signInWithKey } from './helpers';
import { signInWithKeyOnOutscale, useOutscaleStandIn } from './outscale-stand-in';

const TEXT = {
  fr: {
    profile: /Menu du profil/, menu: 'Utilisateurs EIM', title: 'Utilisateurs EIM', list: 'Utilisateurs du compte',
    create: 'Créer un utilisateur', submit: 'Créer', save: 'Sauvegarder', cancel: 'Annuler',
    name: "Nom d'utilisateur", path: 'Chemin', email: 'Adresse e-mail (facultative)',
    badName: 'Lettres, chiffres et + = , . @ - _ uniquement.', badPath: 'Doit commencer et finir par /',
    taken: 'Un utilisateur de ce compte porte déjà ce nom.',
    created: (u: string) => `Utilisateur ${u} créé.`, edited: (u: string) => `Utilisateur ${u} modifié.`,
    deleted: (u: string) => `Utilisateur ${u} supprimé.`, editTitle: (u: string) => `Modifier l'utilisateur ${u}`,
    noPassword: 'Pas encore de mot de passe', hasPassword: 'Mot de passe configuré',
    keys: 'Access keys', keysOf: (u: string) => `Access keys de ${u}`, hideKeys: 'Masquer les access keys',
    edit: 'Modifier', delete: 'Supprimer', confirm: (u: string) => `Supprimer l'utilisateur ${u} ?`,
    refused: (u: string) => `L'API refuse de supprimer ${u} tant qu'il a des access keys (1).`,
    keysFirst: "Supprimer ses access keys, puis l'utilisateur…", withKeys: "Supprimer les access keys et l'utilisateur",
    createKey: 'Créer une access key', expiration: "Date d'expiration (facultative)", secretTitle: 'Votre nouvelle access key', saved: "J'ai enregistré la clé secrète",
    keyDeactivated: (id: string) => `Access key ${id} désactivée.`, deactivate: 'Désactiver',
    search: 'Rechercher par nom', searchSubmit: 'Rechercher', clear: 'Effacer la recherche',
    found: (t: string, n: number) => `Utilisateurs dont le nom contient « ${t} » : ${n}.`,
    next: 'Page suivante', previous: 'Page précédente', page: (n: number) => `Page ${n} affichée.`,
  },
  en: {
    profile: /Profile menu/, menu: 'EIM Users', title: 'EIM Users', list: "The account's users",
    create: 'Create User', submit: 'Create', save: 'Save', cancel: 'Cancel',
    name: 'User name', path: 'Path', email: 'Email address (optional)',
    badName: 'Letters, digits and + = , . @ - _ only.', badPath: 'Must start and end with /',
    taken: 'A user of this account already has this name.',
    created: (u: string) => `User ${u} created.`, edited: (u: string) => `User ${u} updated.`,
    deleted: (u: string) => `User ${u} deleted.`, editTitle: (u: string) => `Update EIM User ${u}`,
    noPassword: 'No password yet', hasPassword: 'Password set up',
    keys: 'Access keys', keysOf: (u: string) => `${u}'s access keys`, hideKeys: 'Hide the access keys',
    edit: 'Update', delete: 'Delete', confirm: (u: string) => `Delete user ${u}?`,
    refused: (u: string) => `The API refuses to delete ${u} while it has access keys (1).`,
    keysFirst: 'Delete its access keys, then the user…', withKeys: 'Delete the access keys and the user',
    createKey: 'Create Access Key', expiration: 'Expiration date (optional)', secretTitle: 'Your new access key', saved: 'I have saved the secret key',
    keyDeactivated: (id: string) => `Access key ${id} deactivated.`, deactivate: 'Deactivate',
    search: 'Search by name', searchSubmit: 'Search', clear: 'Clear the search',
    found: (t: string, n: number) => `Users whose name contains “${t}”: ${n}.`,
    next: 'Next page', previous: 'Previous page', page: (n: number) => `Page ${n} shown.`,
  },
};
type Text = (typeof TEXT)['fr'];

/** Opens Utilisateurs EIM from the profile menu, with the keyboard. */
const openUsers = (page: Page, t: Text) => openFromProfileMenu(page, t, /\/eim-users$/);

/** The row of user `name`. */
const row = (page: Page, name: string) =>
  page.locator('.user-list > li').filter({ has: page.getByText(name, { exact: true }) });

/** The names listed, in order. */
const names = (page: Page) => page.locator('.user-list > li strong');

for (const lang of ['fr', 'en'] as const) {
  const t = TEXT[lang];

  test(`create, edit, give keys to and delete a user (${lang}, keyboard only)`, async ({ page, freshServer, request }) => {
    const baseURL = freshServer.baseURL;
    const csp = await collectCspViolations(page);
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    await signIn(page, { ...DEMO_ACCOUNT, baseURL, lang });
    await openUsers(page, t);
    const accountId = ((await sessionOf(page)) as unknown as { account_id: string }).account_id;
    // The demo user: no password yet, its sign-in login shown.
    await expect(row(page, 'demo-user')).toContainText(t.noPassword);
    await expect(row(page, 'demo-user')).toContainText(`${accountId}/demo-user`);
    await expectNoAxeViolations(page, `EIM users (${lang})`);

    // Créer un utilisateur: the contract's checks first, next to their fields.
    await press(page.getByRole('button', { name: t.create, exact: true }));
    const name = page.getByLabel(t.name);
    await expect(name).toBeFocused();
    await page.keyboard.type('bad name');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('ops');
    await page.keyboard.press('Enter');
    await expect(name).toBeFocused();
    await expect(name).toHaveAccessibleDescription(new RegExp(t.badName.replace(/[.+]/g, '\\$&')));
    await expect(page.getByLabel(t.path)).toHaveAccessibleDescription(new RegExp(t.badPath));
    await expectNoAxeViolations(page, `create form with errors (${lang})`);
    await name.fill('alice');
    await page.getByLabel(t.path).fill('/ops/');
    await page.getByLabel(t.email).fill('alice@example.com');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: t.created('alice') })).toBeVisible();
    await expect(row(page, 'alice')).toContainText('/ops/');
    await expect(row(page, 'alice')).toContainText('alice@example.com');
    await expect(page.getByRole('button', { name: t.create, exact: true })).toBeFocused();

    // The same name again: the API's 9022, said next to the name; nothing typed is lost.
    await page.keyboard.press('Enter');
    await expect(page.getByLabel(t.name)).toBeFocused();
    await page.keyboard.type('alice');
    await page.keyboard.press('Enter');
    await expect(page.getByLabel(t.name)).toHaveAccessibleDescription(new RegExp(t.taken));
    await expect(page.getByLabel(t.name)).toHaveValue('alice');
    await expect(page.getByRole('status').filter({ hasText: t.created('alice') })).toHaveCount(0);
    await press(page.getByRole('button', { name: t.cancel, exact: true }));
    await expect(page.getByRole('button', { name: t.create, exact: true })).toBeFocused();

    // Modifier: a new name and email; the focus back on the row's button.
    await press(row(page, 'alice').getByRole('button', { name: t.edit, exact: true }));
    await expect(page.getByRole('heading', { name: t.editTitle('alice') })).toBeVisible();
    await expect(page.getByLabel(t.name)).toBeFocused();
    await page.getByLabel(t.name).fill('alice2');
    await page.getByLabel(t.email).fill('a2@example.com');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: t.edited('alice2') })).toBeVisible();
    await expect(row(page, 'alice2')).toContainText('a2@example.com');
    await expect(row(page, 'alice2').getByRole('button', { name: t.edit, exact: true })).toBeFocused();

    // Its keys: Clés d'accès' section for this user; a key made, its secret shown once.
    const keysButton = row(page, 'alice2').getByRole('button', { name: t.keys, exact: true });
    await press(keysButton);
    await expect(keysButton).toHaveAttribute('aria-expanded', 'true');
    const keys = page.getByRole('region', { name: t.keysOf('alice2') });
    await expect(keys.getByRole('heading', { name: t.keysOf('alice2') })).toBeFocused();
    await press(keys.getByRole('button', { name: t.createKey, exact: true }));
    await expect(keys.getByLabel(t.expiration)).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: t.secretTitle })).toBeFocused();
    const id = (await page.locator('#key-new-id').innerText()).trim();
    const secret = (await page.locator('#key-new-secret').innerText()).trim();
    await expectNoAxeViolations(page, `a user's new key (${lang})`);
    await expectSecretKept(page, secret);
    await press(keys.getByRole('button', { name: t.saved }));
    expect(await page.content()).not.toContain(secret);
    const keyRow = keys.getByRole('listitem').filter({ hasText: id });
    await press(keyRow.getByRole('button', { name: t.deactivate, exact: true }));
    await expect(page.getByRole('status').filter({ hasText: t.keyDeactivated(id) })).toBeVisible();
    const made = await signedCall(request, baseURL, await demoKey(request, baseURL), 'ReadAccessKeys', { UserName: 'alice2' });
    expect(made.AccessKeys.map((k: { AccessKeyId: string }) => k.AccessKeyId)).toEqual([id]);
    await press(page.getByRole('button', { name: t.hideKeys }));
    await expect(keysButton).toBeFocused();
    await expect(keysButton).toHaveAttribute('aria-expanded', 'false');

    // Supprimer asks first, naming the user; Escape keeps it, the focus back.
    const remove = row(page, 'alice2').getByRole('button', { name: t.delete, exact: true });
    await press(remove);
    const dialog = page.getByRole('dialog', { name: t.confirm('alice2') });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: t.cancel })).toBeFocused();
    await expectNoAxeViolations(page, `delete confirmation (${lang})`);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(remove).toBeFocused();
    // Confirmed: the API refuses while the user has a key; the row says so and offers more.
    await page.keyboard.press('Enter');
    await expect(dialog.getByRole('button', { name: t.cancel })).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(dialog.getByRole('button', { name: t.delete, exact: true })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(row(page, 'alice2').getByRole('alert')).toContainText(t.refused('alice2'));
    await expect(page.getByRole('status').filter({ hasText: t.deleted('alice2') })).toHaveCount(0);
    const offer = row(page, 'alice2').getByRole('button', { name: t.keysFirst });
    await expect(offer).toBeFocused();
    await expectNoAxeViolations(page, `deletion refused (${lang})`);
    await page.keyboard.press('Enter');
    await expect(dialog).toContainText('(1)');
    await expect(dialog.getByRole('button', { name: t.cancel })).toBeFocused();
    await press(dialog.getByRole('button', { name: t.withKeys }));
    await expect(page.getByRole('status').filter({ hasText: t.deleted('alice2') })).toBeVisible();
    await expect(row(page, 'alice2')).toHaveCount(0);
    await expect(page.getByRole('heading', { level: 2, name: t.list })).toBeFocused();
    const users = await signedCall(request, baseURL, await demoKey(request, baseURL), 'ReadUsers', {});
    expect(users.Users.map((u: { UserName: string }) => u.UserName)).toEqual(['demo-user']);

    expect(consoleLines.join('\n')).not.toContain(secret);
    expect(freshServer.output()).not.toContain(secret);
    await csp.expectNone(`EIM users (${lang})`);
  });
}

test('ten users a page with NextPageToken; the search reads every page; who has a password', async ({ page, freshServer, request }) => {
  const baseURL = freshServer.baseURL;
  const t = TEXT.fr;
  const key = await demoKey(request, baseURL);
  for (let i = 1; i <= 23; i++) {
    await signedCall(request, baseURL, key, 'CreateUser', { UserName: `user-${String(i).padStart(2, '0')}` });
  }
  const user = demoUser(freshServer);
  await signedCall(request, baseURL, { id: user.accessKey, secret: user.secretKey }, 'UpdatePassword', {
    NewPassword: 'Green-Valley-Compass-82',
  });
  const reads: Record<string, unknown>[] = [];
  page.on('request', (r: Request) => {
    if (r.url().endsWith('/ReadUsers')) reads.push(JSON.parse(r.postData() ?? '{}'));
  });
  await signIn(page, { ...DEMO_ACCOUNT, baseURL });
  await openUsers(page, t);
  await expect(names(page)).toHaveCount(10);
  await expect(names(page).first()).toHaveText('demo-user');
  await expect(row(page, 'demo-user')).toContainText(t.hasPassword);
  await expect(row(page, 'user-01')).toContainText(t.noPassword);
  const previous = page.getByRole('button', { name: t.previous });
  await expect(previous).toBeDisabled();

  await press(page.getByRole('button', { name: t.next }));
  await expect(page.getByRole('status').filter({ hasText: t.page(2) })).toBeVisible();
  await expect(names(page).first()).toHaveText('user-10');
  await expect(page.getByRole('button', { name: t.next })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: t.page(3) })).toBeVisible();
  await expect(names(page)).toHaveText(['user-20', 'user-21', 'user-22', 'user-23']);
  // The last page: Page suivante is off, the focus goes to the list's title.
  await expect(page.getByRole('button', { name: t.next })).toBeDisabled();
  await expect(page.getByRole('heading', { level: 2, name: t.list })).toBeFocused();
  expect(reads.map((r) => r.ResultsPerPage)).toEqual([10, 10, 10]);
  expect(reads[0].NextPageToken).toBeUndefined();
  expect(typeof reads[1].NextPageToken).toBe('string');
  expect(typeof reads[2].NextPageToken).toBe('string');
  await press(previous);
  await expect(names(page).first()).toHaveText('user-10');

  // The search: every page read, the names holding the text (any case) kept.
  const search = page.getByLabel(t.search);
  await search.focus();
  await page.keyboard.type('USER-1');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: t.found('USER-1', 10) })).toBeVisible();
  await expect(names(page)).toHaveCount(10);
  await expect(names(page).first()).toHaveText('user-10');
  await expect(page.getByRole('navigation', { name: "Pages d'utilisateurs" })).toBeHidden();
  await search.fill('demo');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: t.found('demo', 1) })).toBeVisible();
  await expect(names(page)).toHaveText(['demo-user']);
  await expectNoAxeViolations(page, 'a search');
  await press(page.getByRole('button', { name: t.clear }));
  await expect(search).toBeFocused();
  await expect(search).toHaveValue('');
  await expect(names(page).first()).toHaveText('user-10');
  await expect(page.getByRole('navigation', { name: "Pages d'utilisateurs" })).toBeVisible();
});

test('at 320 px, the list, the form and a user key fit without scrolling sideways', async ({ page, freshServer }) => {
  await page.setViewportSize({ width: 320, height: 800 });
  await signIn(page, { ...DEMO_ACCOUNT, baseURL: freshServer.baseURL, lang: 'en' });
  await page.goto(`${freshServer.baseURL}/eim-users`);
  const t = TEXT.en;
  await expect(row(page, 'demo-user')).toBeVisible();
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await expectNoAxeViolations(page, 'EIM users at 320 px');
  await press(page.getByRole('button', { name: t.create, exact: true }));
  await expect(page.getByLabel(t.name)).toBeFocused();
  await page.getByLabel(t.name).fill('a.very.long.name-of-an-eim-user@example.com');
  await page.keyboard.press('Enter');
  await expect(row(page, 'a.very.long.name-of-an-eim-user@example.com')).toBeVisible();
  await press(row(page, 'demo-user').getByRole('button', { name: t.keys, exact: true }));
  await press(page.getByRole('button', { name: t.createKey, exact: true }));
  await expect(page.getByLabel(t.expiration)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: t.secretTitle })).toBeFocused();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await expectNoAxeViolations(page, "a user's new key at 320 px");
});

test('an EIM user is not offered the page, and is told so at its address', async ({ page, freshServer }) => {
  const user = demoUser(freshServer);
  await page.goto(`${freshServer.baseURL}/sign-in`);
  await signInWithKey(page, { id: user.accessKey, secret: user.secretKey }, "Paramètres d'authentification");
  await page.getByRole('button', { name: /Menu du profil/ }).click();
  await expect(page.getByRole('menuitem', { name: 'Utilisateurs EIM' })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await page.goto(`${freshServer.baseURL}/eim-users`);
  await expect(page.getByText('Cette page est réservée au compte')).toBeVisible();
  await expect(page.getByRole('button', { name: TEXT.fr.create })).toHaveCount(0);
  await expectNoAxeViolations(page, 'EIM users, for an EIM user');
});

test.describe('on OUTSCALE through the proxy', () => {
  const outscale = useOutscaleStandIn();

  test('the page pages with FirstItem and works without HasPassword', async ({ page, request }) => {
    const csp = await collectCspViolations(page);
    const t = TEXT.fr;
    // OUTSCALE's ReadUsers (OAPI 1.40) knows neither NextPageToken nor HasPassword: the
    // stand-in's answers are stripped of both, and a request naming the token refused.
    const reads: Record<string, unknown>[] = [];
    await page.route('**/outscale/eu-west-2/api/v1/ReadUsers', async (route) => {
      const asked = JSON.parse(route.request().postData() ?? '{}');
      reads.push(asked);
      if ('NextPageToken' in asked) {
        await route.fulfill({ status: 400, json: { Errors: [{ Code: '3001', Type: 'InvalidParameter', Details: '' }] } });
        return;
      }
      const response = await route.fetch();
      const body = await response.json();
      delete body.NextPageToken;
      for (const u of body.Users ?? []) delete u.HasPassword;
      await route.fulfill({ response, json: body });
    });
    const key = await demoKey(request, outscale.api.baseURL);
    for (let i = 1; i <= 10; i++) {
      await signedCall(request, outscale.api.baseURL, key, 'CreateUser', { UserName: `user-${String(i).padStart(2, '0')}` });
    }
    await page.goto(`${outscale.nginx.baseURL}/sign-in`);
    await signInWithKeyOnOutscale(page, key);
    await openUsers(page, t);
    await expect(names(page)).toHaveCount(10);
    const list = page.getByRole('region', { name: t.list });
    await expect(list).not.toContainText(t.noPassword);
    await expect(list).not.toContainText(t.hasPassword);
    await press(page.getByRole('button', { name: t.next }));
    await expect(names(page)).toHaveText(['user-10']);
    expect(reads.map((r) => r.FirstItem)).toEqual([0, 10]);
    await expectNoAxeViolations(page, 'EIM users on OUTSCALE');

    // A user with a key: refused, then deleted with its key.
    await press(page.getByRole('button', { name: t.create, exact: true }));
    await expect(page.getByLabel(t.name)).toBeFocused();
    await page.keyboard.type('zoe');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: t.created('zoe') })).toBeVisible();
    await signedCall(request, outscale.api.baseURL, key, 'CreateAccessKey', { UserName: 'zoe' });
    await expect(row(page, 'zoe')).toBeVisible();
    await press(row(page, 'zoe').getByRole('button', { name: t.delete, exact: true }));
    await press(page.getByRole('dialog').getByRole('button', { name: t.delete, exact: true }));
    await expect(row(page, 'zoe').getByRole('button', { name: t.keysFirst })).toBeFocused();
    await page.keyboard.press('Enter');
    await press(page.getByRole('dialog').getByRole('button', { name: t.withKeys }));
    await expect(page.getByRole('status').filter({ hasText: t.deleted('zoe') })).toBeVisible();
    const left = await signedCall(request, outscale.api.baseURL, key, 'ReadUsers', {});
    expect(left.Users.map((u: { UserName: string }) => u.UserName)).not.toContain('zoe');
    await csp.expectNone('EIM users on OUTSCALE');
  });
});
