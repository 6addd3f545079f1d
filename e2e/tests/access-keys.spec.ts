// Clés d'accès (issue 21): the identity's access keys, without the console's own session
// keys; "Créer une access key" with an optional expiration date, the secret shown once
// with Copier, Télécharger (a CSV file) and a CLI profile; Désactiver / Activer;
// Supprimer after a confirmation that names the key; the key this session signs with
// refused; a key that outlives the session, and activating one, ask for the password
// again; an EIM user's own keys. Keyboard only, French and English, at 320 px, axe; the
// secret never in localStorage, sessionStorage, the URL or a log line. Then against
// OUTSCALE's API through the proxy, whose keys carry no last use.

import { readFileSync } from 'node:fs';
import type { APIRequestContext, Page } from '@playwright/test';
import { collectCspViolations, DEMO_ACCOUNT, expect, expectNoAxeViolations, signIn, test } from '../fixtures';
import { startServer } from '../server.mjs';
import {
  basicCall, demoKey, demoUser, expectSecretKept, openFromProfileMenu, press, sessionOf, signedCall, signInWithKey,
} from './helpers';
import { signInWithKeyOnOutscale, useOutscaleStandIn } from './outscale-stand-in';

const TEXT = {
  fr: {
    profile: /Menu du profil/, menu: "Clés d'accès", title: "Clés d'accès", section: 'Vos access keys',
    create: 'Créer une access key', expiration: "Date d'expiration (facultative)", submit: 'Créer',
    secretTitle: 'Votre nouvelle access key', download: 'Télécharger', profileName: 'Nom du profil',
    saved: "J'ai enregistré la clé secrète", active: 'Active', inactive: 'Inactive',
    deactivate: 'Désactiver', activate: 'Activer', delete: 'Supprimer', cancel: 'Annuler',
    neverUsed: 'Jamais utilisée', lastUsed: 'Dernière utilisation le', from: 'depuis 127.0.0.1',
    expires: 'expire le', never: "n'expire pas", thisSession: 'Cette session',
    deactivated: (id: string) => `Access key ${id} désactivée.`,
    activated: (id: string) => `Access key ${id} activée.`,
    deleted: (id: string) => `Access key ${id} supprimée.`,
    confirm: (id: string) => `Supprimer l'access key ${id} ?`,
    inUse: 'Cette session est signée avec cette access key',
    copySecret: 'Copier « Clé secrète »',
  },
  en: {
    profile: /Profile menu/, menu: 'Access keys', title: 'Access keys', section: 'Your access keys',
    create: 'Create Access Key', expiration: 'Expiration date (optional)', submit: 'Create',
    secretTitle: 'Your new access key', download: 'Download', profileName: 'Profile name',
    saved: 'I have saved the secret key', active: 'Active', inactive: 'Inactive',
    deactivate: 'Deactivate', activate: 'Activate', delete: 'Delete', cancel: 'Cancel',
    neverUsed: 'Never used', lastUsed: 'Last used', from: 'from 127.0.0.1',
    expires: 'expires', never: 'does not expire', thisSession: 'This session',
    deactivated: (id: string) => `Access key ${id} deactivated.`,
    activated: (id: string) => `Access key ${id} activated.`,
    deleted: (id: string) => `Access key ${id} deleted.`,
    confirm: (id: string) => `Delete access key ${id}?`,
    inUse: 'This session is signed with this access key',
    copySecret: 'Copy “Secret key”',
  },
};
type Text = (typeof TEXT)['fr'];

/** Opens Clés d'accès from the profile menu, with the keyboard. */
const openKeys = (page: Page, t: Text) => openFromProfileMenu(page, t, /\/access-keys$/);

/** The row of key `id`. */
const row = (page: Page, id: string) => page.getByRole('listitem').filter({ hasText: id });

/** Creates a key through the page, with an expiration date or none; answers its ID and secret. */
async function createKey(page: Page, t: Text, date: string | null) {
  await press(page.getByRole('button', { name: t.create, exact: true }));
  const field = page.getByLabel(t.expiration);
  await expect(field).toBeFocused();
  if (date) await field.fill(date);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: t.secretTitle })).toBeFocused();
  const id = (await page.locator('#key-new-id').innerText()).trim();
  const secret = (await page.locator('#key-new-secret').innerText()).trim();
  expect(id).toMatch(/^[A-Z0-9]{20}$/);
  expect(secret).toMatch(/^[A-Za-z0-9]{40}$/);
  return { id, secret };
}

for (const lang of ['fr', 'en'] as const) {
  const t = TEXT[lang];

  test(`create, list, deactivate, activate and delete a key (${lang}, keyboard only)`, async ({ page, freshServer, request }) => {
    const baseURL = freshServer.baseURL;
    const csp = await collectCspViolations(page);
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    await signIn(page, { ...DEMO_ACCOUNT, baseURL, lang });
    await openKeys(page, t);
    const section = page.getByRole('region', { name: t.section });
    await expect(section.getByRole('button', { name: t.create, exact: true })).toBeVisible();
    // The console's own session key is the sessions' business, not listed here.
    const session = await sessionOf(page);
    await expect(section).not.toContainText(session!.access_key_id);
    await expectNoAxeViolations(page, `access keys (${lang})`);

    // Créer une access key, with a date: the secret shown once.
    const { id, secret } = await createKey(page, t, '2099-12-31');
    await expect(section).toContainText(lang === 'fr' ? 'Cette access key expire le' : 'This access key expires');
    await expectNoAxeViolations(page, `new access key (${lang})`);
    await expectSecretKept(page, secret);

    // Télécharger: a CSV file, as AWS gives it.
    const downloading = page.waitForEvent('download');
    await press(section.getByRole('button', { name: t.download, exact: true }));
    const file = await downloading;
    expect(file.suggestedFilename()).toBe(`${id}_accessKeys.csv`);
    expect(readFileSync((await file.path())!, 'utf8')).toBe(`Access key ID,Secret access key\r\n${id},${secret}\r\n`);
    expect(file.url()).toMatch(/^blob:/);
    expect(file.url()).not.toContain(secret);

    // The CLI profile names this endpoint; the commands name the profile.
    const profile = JSON.parse(await page.locator('#key-cli-profile').innerText());
    expect(profile).toEqual({
      default: { access_key: id, secret_key: secret, region: 'eu-west-2', endpoints: { api: baseURL } },
    });
    const commands = page.locator('#key-cli-commands');
    await expect(commands).toHaveText('oapi-cli --profile "default" ReadAccounts\nosc-cli api ReadAccounts --profile "default"');
    await page.getByLabel(t.profileName).fill('ci');
    await expect(commands).toContainText('oapi-cli --profile "ci" ReadAccounts');
    await expect(page.locator('#key-cli-profile')).toContainText('"ci": {');
    await expect(section.getByRole('button', { name: t.copySecret })).toBeVisible();

    // Closed, the secret is gone from the page; the focus is back on Créer.
    await press(section.getByRole('button', { name: t.saved }));
    await expect(section.getByRole('button', { name: t.create, exact: true })).toBeFocused();
    expect(await page.content()).not.toContain(secret);
    await expectSecretKept(page, secret);

    // Listed: active, its expiry, never used; once used, when and from where.
    const listed = row(page, id);
    await expect(listed).toContainText(t.active);
    await expect(listed).toContainText(t.expires);
    await expect(listed).toContainText(t.neverUsed);
    await signedCall(request, baseURL, { id, secret }, 'ReadAccounts', {});
    await expect(async () => {
      await page.reload();
      await expect(row(page, id)).toContainText(t.lastUsed, { timeout: 1000 });
    }).toPass();
    await expect(row(page, id)).toContainText(t.from);

    // Désactiver, then Activer: said, and the focus stays on the key's button.
    await press(row(page, id).getByRole('button', { name: t.deactivate, exact: true }));
    await expect(page.getByRole('status').filter({ hasText: t.deactivated(id) })).toBeVisible();
    await expect(row(page, id)).toContainText(t.inactive);
    await expect(row(page, id).getByRole('button', { name: t.activate, exact: true })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: t.activated(id) })).toBeVisible();
    await expect(row(page, id).getByRole('button', { name: t.deactivate, exact: true })).toBeFocused();

    // Supprimer asks first, naming the key; Escape keeps it, with the focus back.
    const remove = row(page, id).getByRole('button', { name: t.delete, exact: true });
    await press(remove);
    const dialog = page.getByRole('dialog', { name: t.confirm(id) });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: t.cancel })).toBeFocused();
    await expectNoAxeViolations(page, `delete confirmation (${lang})`);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(remove).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    // Annuler takes the focus on the next frame: Shift+Tab from there.
    await expect(dialog.getByRole('button', { name: t.cancel })).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(dialog.getByRole('button', { name: t.delete, exact: true })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: t.deleted(id) })).toBeVisible();
    await expect(row(page, id)).toHaveCount(0);
    await expect(page.getByRole('heading', { level: 2, name: t.section })).toBeFocused();
    const left = await basicCall(request, baseURL, 'ReadAccessKeys', { Filters: { AccessKeyIds: [id] } });
    expect(left.body.AccessKeys).toEqual([]);
    // No log line holds the secret: the browser's console, the server's output.
    expect(consoleLines.join('\n')).not.toContain(secret);
    expect(freshServer.output()).not.toContain(secret);
    await csp.expectNone(`access keys (${lang})`);
  });
}

test('a key made without a date within a password sign-in ends with the session, as the hint says', async ({ page, freshServer }) => {
  // This API has no access policy: the console does not ask for one.
  const asked: string[] = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await signIn(page, { ...DEMO_ACCOUNT, baseURL: freshServer.baseURL });
  await page.goto(`${freshServer.baseURL}/access-keys`);
  await press(page.getByRole('button', { name: TEXT.fr.create, exact: true }));
  await expect(page.getByLabel(TEXT.fr.expiration)).toHaveAccessibleDescription(/expire à la fin de cette session/);
  // A date gone by is refused next to the field, nothing sent.
  await page.getByLabel(TEXT.fr.expiration).fill('2020-01-01');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel(TEXT.fr.expiration)).toHaveAccessibleDescription(/Choisissez une date à venir/);
  await expect(page.getByLabel(TEXT.fr.expiration)).toBeFocused();
  await page.getByLabel(TEXT.fr.expiration).fill('');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Cette access key expire le')).toBeVisible();
  expect(asked.filter((p) => p.endsWith('/ReadApiAccessPolicy'))).toEqual([]);
});

test('the key this session signs with is neither deactivated nor deleted', async ({ page, freshServer, request }) => {
  const baseURL = freshServer.baseURL;
  const key = await demoKey(request, baseURL);
  await page.goto(`${baseURL}/sign-in`);
  await signInWithKey(page, key, 'Espace personnel');
  await openKeys(page, TEXT.fr);
  const mine = row(page, key.id);
  await expect(mine).toContainText(TEXT.fr.thisSession);

  await press(mine.getByRole('button', { name: TEXT.fr.deactivate, exact: true }));
  await expect(mine.getByRole('alert')).toContainText(TEXT.fr.inUse);
  await expect(mine.getByRole('button', { name: TEXT.fr.deactivate, exact: true })).toBeFocused();
  await press(mine.getByRole('button', { name: TEXT.fr.delete, exact: true }));
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(mine.getByRole('alert')).toContainText(TEXT.fr.inUse);
  await expectNoAxeViolations(page, 'the key in use, refused');
  const still = await basicCall(request, baseURL, 'ReadAccessKeys', { Filters: { AccessKeyIds: [key.id] } });
  expect(still.body.AccessKeys[0].State).toBe('ACTIVE');
});

test('an EIM user manages its own keys, its active key deactivated before deletion', async ({ page, freshServer }) => {
  const user = demoUser(freshServer);
  await page.goto(`${freshServer.baseURL}/sign-in`);
  await signInWithKey(page, { id: user.accessKey, secret: user.secretKey }, "Paramètres d'authentification");
  await openKeys(page, TEXT.fr);
  await expect(row(page, user.accessKey)).toContainText(TEXT.fr.thisSession);
  const { id } = await createKey(page, TEXT.fr, null);
  await expect(page.getByText("Cette access key n'expire pas.")).toBeVisible();
  await press(page.getByRole('button', { name: TEXT.fr.saved }));
  await press(row(page, id).getByRole('button', { name: TEXT.fr.delete, exact: true }));
  await press(page.getByRole('dialog').getByRole('button', { name: TEXT.fr.delete, exact: true }));
  await expect(page.getByRole('status').filter({ hasText: TEXT.fr.deleted(id) })).toBeVisible();
  await expect(row(page, id)).toHaveCount(0);
  await expect(row(page, user.accessKey)).toContainText(TEXT.fr.active);
  await expectNoAxeViolations(page, "an EIM user's access keys");
});

test('at 320 px, the list and a new key fit without scrolling sideways', async ({ page, freshServer }) => {
  await page.setViewportSize({ width: 320, height: 800 });
  await signIn(page, { ...DEMO_ACCOUNT, baseURL: freshServer.baseURL, lang: 'en' });
  await page.goto(`${freshServer.baseURL}/access-keys`);
  await createKey(page, TEXT.en, '2099-12-31');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectNoAxeViolations(page, 'new access key at 320 px');
  await press(page.getByRole('button', { name: TEXT.en.saved }));
  await expectNoAxeViolations(page, 'access keys at 320 px');
});

test('a key that outlives the session, and activating one, ask for the password again', async ({ page }) => {
  // The sign-in's proof lasts 3 seconds here (`--reauthentication-secs`).
  const server = await startServer({ extraArgs: ['--reauthentication-secs', '3'] });
  test.info().setTimeout(90_000);
  const t = TEXT.fr;
  try {
    await signIn(page, { ...DEMO_ACCOUNT, baseURL: server.baseURL });
    await page.goto(`${server.baseURL}/access-keys`);
    await page.waitForTimeout(3300);
    await press(page.getByRole('button', { name: t.create, exact: true }));
    await page.getByLabel(t.expiration).fill('2099-12-31');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Confirmez votre identité' });
    const password = dialog.getByLabel('Mot de passe', { exact: true });
    await expect(password).toBeFocused();
    // Cancelled: no key, and the form says so.
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole('alert').filter({ hasText: 'Modification non enregistrée' })).toBeVisible();
    await expect(page.getByRole('heading', { name: t.secretTitle })).toHaveCount(0);
    // Again, with the password: the key is made.
    await press(page.getByRole('button', { name: t.submit, exact: true }));
    await expect(password).toBeFocused();
    await page.keyboard.type(DEMO_ACCOUNT.password);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: t.secretTitle })).toBeFocused();
    const id = (await page.locator('#key-new-id').innerText()).trim();
    await press(page.getByRole('button', { name: t.saved }));

    // Désactiver needs no proof; Activer does, once the proof has lapsed.
    await press(row(page, id).getByRole('button', { name: t.deactivate, exact: true }));
    await expect(page.getByRole('status').filter({ hasText: t.deactivated(id) })).toBeVisible();
    await page.waitForTimeout(3300);
    await press(row(page, id).getByRole('button', { name: t.activate, exact: true }));
    await expect(password).toBeFocused();
    await page.keyboard.type(DEMO_ACCOUNT.password);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: t.activated(id) })).toBeVisible();
    await expect(row(page, id)).toContainText(t.active);
  } finally {
    await server.stop();
  }
});

test.describe('on OUTSCALE through the proxy', () => {
  const outscale = useOutscaleStandIn();

  /** Signs in to the stand-in through the proxy with one of its keys, then opens Clés d'accès. */
  async function openKeysOnOutscale(page: Page, request: APIRequestContext) {
    const key = await demoKey(request, outscale.api.baseURL);
    await page.goto(`${outscale.nginx.baseURL}/sign-in`);
    await signInWithKeyOnOutscale(page, key);
    await openKeys(page, TEXT.fr);
    return key;
  }

  test("the account's access policy limits a new key's lifetime (keyboard only)", async ({ page, request }) => {
    const csp = await collectCspViolations(page);
    // OUTSCALE's ReadApiAccessPolicy, as it answers for an account with a 30-day limit.
    await page.route('**/outscale/eu-west-2/api/v1/ReadApiAccessPolicy', (route) => route.fulfill({
      json: { ApiAccessPolicy: { MaxAccessKeyExpirationSeconds: 30 * 86400, RequireTrustedEnv: false }, ResponseContext: { RequestId: 'policy' } },
    }));
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/CreateAccessKey')) sent.push(r.postData() ?? '');
    });
    await openKeysOnOutscale(page, request);
    const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

    await press(page.getByRole('button', { name: TEXT.fr.create, exact: true }));
    const date = page.getByLabel("Date d'expiration", { exact: true });
    await expect(date).toBeFocused();
    await expect(date).toHaveAttribute('required', '');
    await expect(date).toHaveAccessibleDescription(/limite la durée des access keys à 30 jours/);
    await expectNoAxeViolations(page, 'access policy (fr)');
    // No date, then a date past the limit: each refused next to the field, nothing sent.
    await page.keyboard.press('Enter');
    await expect(date).toHaveAccessibleDescription(/veut que chaque access key expire/);
    await expect(date).toBeFocused();
    await date.fill(inDays(40));
    await page.keyboard.press('Enter');
    await expect(date).toHaveAccessibleDescription(/au plus tard le/);
    await expect(date).toBeFocused();
    expect(sent).toEqual([]);
    // Within it: made, with that date.
    await date.fill(inDays(20));
    await page.keyboard.press('Enter');
    await expect(page.getByText('Cette access key expire le')).toBeVisible();
    expect(sent.map((body) => JSON.parse(body).ExpirationDate)).toEqual([inDays(20)]);
    await csp.expectNone('access policy');
  });

  test('the page works without the last-use extension', async ({ page, request }) => {
    const csp = await collectCspViolations(page);
    // OUTSCALE's keys have no last use: the stand-in's answers are stripped of it.
    await page.route('**/outscale/eu-west-2/api/v1/ReadAccessKeys', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      for (const k of body.AccessKeys ?? []) {
        delete k.LastUsedDate;
        delete k.LastUsedClientIp;
      }
      await route.fulfill({ response, json: body });
    });
    const key = await openKeysOnOutscale(page, request);
    await expect(row(page, key.id)).toContainText(TEXT.fr.thisSession);

    // Without a date, a key made with a lasting key does not expire.
    await press(page.getByRole('button', { name: TEXT.fr.create, exact: true }));
    await expect(page.getByLabel(TEXT.fr.expiration)).toHaveAccessibleDescription(/Sans date, l'access key n'expire pas/);
    await page.keyboard.press('Enter');
    await expect(page.getByText("Cette access key n'expire pas.")).toBeVisible();
    const id = (await page.locator('#key-new-id').innerText()).trim();
    const profile = JSON.parse(await page.locator('#key-cli-profile').innerText());
    expect(profile.default.endpoints.api).toBe('https://api.eu-west-2.outscale.com');
    await press(page.getByRole('button', { name: TEXT.fr.saved }));

    const section = page.getByRole('region', { name: TEXT.fr.section });
    await expect(row(page, id)).toContainText(TEXT.fr.never);
    await expect(section).not.toContainText(TEXT.fr.lastUsed);
    await expect(section).not.toContainText(TEXT.fr.neverUsed);
    await expectNoAxeViolations(page, 'access keys on OUTSCALE');

    await press(row(page, id).getByRole('button', { name: TEXT.fr.delete, exact: true }));
    await press(page.getByRole('dialog').getByRole('button', { name: TEXT.fr.delete, exact: true }));
    await expect(page.getByRole('status').filter({ hasText: TEXT.fr.deleted(id) })).toBeVisible();
    await csp.expectNone('access keys on OUTSCALE');
  });
});
