// EIM users: a user signs in with its keys, sets up a password, signs in with
// ACCOUNT_ID/username, changes it and signs out its other devices and sessions.
import { expect, expectNoAxeViolations, setColorScheme, test } from '../fixtures';
import { demoUser } from './helpers';

const FIRST = 'Green-Valley-Compass-82';
const SECOND = 'Other-Valley-Compass-83';

test('an EIM user sets up a password, signs in with it, and changes it', async ({ page, browser, freshServer }) => {
  const base = freshServer.baseURL;
  const user = demoUser(freshServer);

  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Clé d'accès et clé secrète").check();
  await page.getByLabel("Clé d'accès", { exact: true }).fill(user.accessKey);
  await page.getByLabel('Clé secrète', { exact: true }).fill(user.secretKey);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  // A user lands on its authentication settings; the menu offers no account information.
  await expect(page.getByRole('heading', { level: 1, name: "Paramètres d'authentification" })).toBeVisible();
  const profile = page.getByRole('button', { name: `Menu du profil ${user.login}`, exact: true });
  await expect(profile).toBeVisible();
  await profile.click();
  await expect(page.getByRole('menuitem')).toHaveText(["Paramètres d'authentification", "Clés d'accès", 'Se déconnecter']);
  await page.keyboard.press('Escape');

  // "Créer un mot de passe": no current-password step.
  await expect(page.getByText(`Vous n'avez pas encore de mot de passe`)).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await setColorScheme(page, scheme);
    await expectNoAxeViolations(page, `EIM user without a password (${scheme})`);
  }
  await page.getByRole('button', { name: 'Créer un mot de passe' }).click();
  const fresh = page.getByLabel('Nouveau mot de passe', { exact: true });
  await expect(fresh).toBeFocused();
  await fresh.fill(FIRST);
  await expect(page.locator('.rule.met')).toHaveCount(6);
  await page.getByLabel('Confirmation du nouveau mot de passe', { exact: true }).fill(FIRST);
  await expectNoAxeViolations(page, 'setting up a password');
  await page.getByRole('button', { name: 'Modifier', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Votre mot de passe est créé.' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Modifier', exact: true })).toBeVisible();

  // Sign out, then in with ACCOUNT_ID/username and the new password.
  await profile.click();
  await page.getByRole('menuitem', { name: 'Se déconnecter' }).click();
  const signInWithPassword = async (p: typeof page, password: string) => {
    await p.goto(`${base}/sign-in`);
    await p.getByLabel('Adresse e-mail', { exact: true }).fill(user.login);
    await p.getByLabel('Mot de passe', { exact: true }).and(p.locator('input')).fill(password);
    await p.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await expect(p.getByRole('heading', { level: 1, name: "Paramètres d'authentification" })).toBeVisible();
  };
  await signInWithPassword(page, FIRST);
  // A second device.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signInWithPassword(otherPage, FIRST);

  // Now a password exists: the normal Modifier flow, with "Se déconnecter des autres appareils".
  await page.getByRole('button', { name: 'Modifier', exact: true }).click();
  await page.getByLabel('Mot de passe', { exact: true }).and(page.locator('input')).fill(FIRST);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await fresh.fill(SECOND);
  await page.getByLabel('Confirmation du nouveau mot de passe', { exact: true }).fill(SECOND);
  await page.getByLabel('Se déconnecter des autres appareils').check();
  await page.getByRole('button', { name: 'Modifier', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Votre mot de passe est mis à jour.' })).toContainText(
    '1 autre session a été déconnectée.',
  );

  await otherPage.reload();
  await expect(otherPage.getByText('Votre session a expiré. Reconnectez-vous pour continuer.')).toBeVisible();
  await signInWithPassword(otherPage, SECOND);

  // "Déconnecter les autres sessions" ends the EIM user's other session.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Déconnecter', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Déconnecter les autres sessions' }).click();
  await expect(page.getByRole('status').filter({ hasText: '1 autre session a été déconnectée.' })).toBeVisible();
  await expect(page.getByText('Aucune autre session ouverte.')).toBeVisible();
  await otherPage.reload();
  await expect(otherPage.getByText('Votre session a expiré. Reconnectez-vous pour continuer.')).toBeVisible();
  await other.close();
});

test('in English, a user without a password is offered "Set up a password"', async ({ page, freshServer }) => {
  const user = demoUser(freshServer);
  await page.goto(`${freshServer.baseURL}/sign-in`);
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await page.getByLabel('Access key and secret key').check();
  await page.getByLabel('Access key', { exact: true }).fill(user.accessKey);
  await page.getByLabel('Secret key', { exact: true }).fill(user.secretKey);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Authentication Settings' })).toBeVisible();
  await page.getByRole('button', { name: 'Set up a password' }).click();
  await expect(page.getByLabel('New password', { exact: true })).toBeFocused();
  for (const scheme of ['light', 'dark'] as const) {
    await setColorScheme(page, scheme);
    await expectNoAxeViolations(page, `set up a password in English (${scheme})`);
  }
  // Espace personnel, if reached by its address, shows who the user is, read-only.
  await page.goto(`${freshServer.baseURL}/personal-space`);
  await expect(page.getByRole('heading', { level: 1, name: 'Personal Space' })).toBeVisible();
  await expect(page.getByRole('main').getByText(user.login)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'EIM user personal space');
});
