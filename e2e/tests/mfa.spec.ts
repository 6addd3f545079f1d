// Multi-factor authentication, end to end in Chromium: an authenticator app (the test
// computes its codes from the secret the page shows), a security key (Chromium's
// virtual authenticator, CDP `WebAuthn` domain), recovery codes, removal; the sign-in's
// second step for each; French and English, light and dark, axe on every screen.
//
// WebAuthn needs a domain name (or localhost), not an IP address: these tests open the
// console at http://localhost:PORT, which the server's default relying party allows.

import { readFile } from 'node:fs/promises';
import { test, expect, signIn, DEMO_ACCOUNT, expectNoAxeViolations, setColorScheme } from '../fixtures';
import { addVirtualAuthenticator, firstStep, localhost, MFA_TEXT, signOut, totp } from './helpers';

const FR = MFA_TEXT.fr;
const EN = MFA_TEXT.en;

test('an authenticator app: set up with a first code, then sign-in asks for a code or a recovery code', async ({ page, freshServer }) => {
  test.setTimeout(90_000);
  const base = localhost(freshServer);
  await signIn(page, { ...DEMO_ACCOUNT, baseURL: base });
  await page.goto(`${base}/authentication-settings`);
  const section = page.getByRole('region', { name: 'Authentification multifacteur' });
  await expect(section.getByText("L'authentification multifacteur est désactivée.")).toBeVisible();

  await section.getByRole('button', { name: "Configurer une application d'authentification" }).click();
  await expect(section.getByLabel("Nom de l'appareil")).toBeFocused();
  // A wrong password: said on its field, nothing set up.
  await section.getByLabel("Nom de l'appareil").fill('Téléphone');
  await section.getByLabel('Mot de passe', { exact: true }).fill('not the password');
  await section.getByRole('button', { name: 'Continuer' }).click();
  await expect(section.getByText('Mot de passe incorrect.')).toBeVisible();
  await section.getByLabel('Mot de passe', { exact: true }).fill(DEMO_ACCOUNT.password);
  await section.getByRole('button', { name: 'Continuer' }).click();

  await expect(section.getByRole('img', { name: 'Code QR de la clé de configuration' })).toBeVisible();
  const secret = (await section.locator('#mfa-secret').innerText()).replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expectNoAxeViolations(page, 'mfa-totp-setup-fr-light');
  // A code from long ago is refused: nothing is active until a valid code is entered.
  await section.getByLabel('Code de vérification').fill(totp(secret, -20));
  await section.getByRole('button', { name: 'Activer' }).click();
  await expect(section.getByText('Code incorrect ou expiré. Saisissez le code affiché maintenant.')).toBeVisible();
  await section.getByLabel('Code de vérification').fill(totp(secret));
  await section.getByRole('button', { name: 'Activer' }).click();

  // The first factor brings ten recovery codes, shown once, downloadable.
  const codes = section.locator('ol.codes li');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.allInnerTexts()).map((c) => c.trim());
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    section.getByRole('link', { name: 'Télécharger les codes' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('outscale-recovery-codes.txt');
  const file = await readFile((await download.path())!, 'utf8');
  for (const code of recovery) expect(file).toContain(code);
  await expectNoAxeViolations(page, 'mfa-recovery-codes-fr-light');
  await section.getByRole('button', { name: "J'ai conservé mes codes" }).click();
  await expect(section.getByRole('status')).toHaveText('Second facteur ajouté. L\'authentification multifacteur est activée.');
  await expect(section.getByRole('listitem')).toHaveCount(1);
  await expect(section.getByRole('listitem')).toContainText('Téléphone');
  await expect(section.getByText('Codes de récupération inutilisés : 10.')).toBeVisible();

  // Sign-in now asks for a code after the password. (The next step's code: the one
  // entered above may not be used twice.)
  await signOut(page, /Menu du profil/, 'Se déconnecter');
  await firstStep(page, base, FR);
  await expect(page.getByLabel('Code de vérification')).toBeFocused();
  await expectNoAxeViolations(page, 'mfa-sign-in-fr-light');
  await page.getByLabel('Code de vérification').fill('000000' === totp(secret, 1) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await expect(page.getByText('Code incorrect ou expiré. Saisissez le code affiché maintenant.')).toBeVisible();
  await page.getByLabel('Code de vérification').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await page.waitForURL(/\/personal-space/);

  // A recovery code signs in once.
  await signOut(page, /Menu du profil/, 'Se déconnecter');
  await firstStep(page, base, FR);
  await page.getByRole('button', { name: 'Utiliser un code de récupération' }).click();
  await page.getByLabel('Code de récupération').fill(recovery[0]);
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await page.waitForURL(/\/personal-space/);
  await page.goto(`${base}/authentication-settings`);
  await expect(section.getByText('Codes de récupération inutilisés : 9.')).toBeVisible();
  await signOut(page, /Menu du profil/, 'Se déconnecter');
  await firstStep(page, base, FR);
  await page.getByRole('button', { name: 'Utiliser un code de récupération' }).click();
  await page.getByLabel('Code de récupération').fill(recovery[0]);
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await expect(page.getByText('Code de récupération incorrect ou déjà utilisé.')).toBeVisible();
  await page.getByLabel('Code de récupération').fill(recovery[1]);
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await page.waitForURL(/\/personal-space/);

  // Removing the last factor asks for the password again and turns MFA off.
  await page.goto(`${base}/authentication-settings`);
  await section.getByRole('button', { name: 'Supprimer Téléphone' }).click();
  await section.getByLabel('Mot de passe', { exact: true }).fill('not the password');
  await section.getByRole('button', { name: 'Supprimer', exact: true }).click();
  await expect(section.getByText('Mot de passe incorrect.')).toBeVisible();
  await section.getByLabel('Mot de passe', { exact: true }).fill(DEMO_ACCOUNT.password);
  await section.getByRole('button', { name: 'Supprimer', exact: true }).click();
  await expect(section.getByRole('status')).toContainText("L'authentification multifacteur est désactivée");
  await expect(section.getByText("L'authentification multifacteur est désactivée.")).toBeVisible();
  await signOut(page, /Menu du profil/, 'Se déconnecter');
  await signIn(page, { ...DEMO_ACCOUNT, baseURL: base });
});

test('a security key (virtual authenticator), in English and dark: register, sign in with it, remove it', async ({ page, freshServer }) => {
  test.setTimeout(90_000);
  await addVirtualAuthenticator(page);
  const base = localhost(freshServer);
  await setColorScheme(page, 'dark');
  await signIn(page, { ...DEMO_ACCOUNT, baseURL: base, lang: 'en' });
  await page.goto(`${base}/authentication-settings`);
  const section = page.getByRole('region', { name: 'Multi-factor authentication' });
  await section.getByRole('button', { name: 'Set up a security key' }).click();
  await section.getByLabel('Device name').fill('Blue key');
  await section.getByLabel('Password', { exact: true }).fill(DEMO_ACCOUNT.password);
  await expectNoAxeViolations(page, 'mfa-add-key-en-dark');
  await section.getByRole('button', { name: 'Continue' }).click();
  await expect(section.locator('ol.codes li')).toHaveCount(10);
  await section.getByRole('button', { name: 'I have kept my codes' }).click();
  await expect(section.getByRole('listitem')).toContainText('Blue key');
  await expect(section.getByRole('listitem')).toContainText('security key');
  await expectNoAxeViolations(page, 'mfa-list-en-dark');

  // New recovery codes, after the password again: ten others, shown once; the old ones go.
  await section.getByRole('button', { name: 'Generate new codes' }).click();
  await section.getByLabel('Password', { exact: true }).fill(DEMO_ACCOUNT.password);
  await section.getByRole('button', { name: 'Generate new codes' }).click();
  await expect(section.locator('ol.codes li')).toHaveCount(10);
  await section.getByRole('button', { name: 'I have kept my codes' }).click();
  await expect(section.getByRole('status')).toHaveText('New recovery codes generated: the old ones no longer work.');
  await expect(section.getByText('Unused recovery codes: 10.')).toBeVisible();

  // The same key again is refused by the browser (the API excludes it).
  await section.getByRole('button', { name: 'Set up a security key' }).click();
  await section.getByLabel('Device name').fill('Same key');
  await section.getByLabel('Password', { exact: true }).fill(DEMO_ACCOUNT.password);
  await section.getByRole('button', { name: 'Continue' }).click();
  await expect(section.getByRole('alert')).toHaveText('This security key is already registered.');
  await section.getByRole('button', { name: 'Cancel' }).click();
  await expect(section.getByRole('listitem')).toHaveCount(1);

  await signOut(page, /Profile menu/, 'Sign out');
  await firstStep(page, base, EN);
  await expectNoAxeViolations(page, 'mfa-sign-in-key-en-dark');
  // Only a key: the step offers it first.
  await expect(page.getByRole('button', { name: 'Use an authenticator app' })).toBeHidden();
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(/\/personal-space/);

  await page.goto(`${base}/authentication-settings`);
  await expect(section.getByRole('listitem')).not.toContainText('last used: never');
  await section.getByRole('button', { name: 'Remove Blue key' }).click();
  await section.getByLabel('Password', { exact: true }).fill(DEMO_ACCOUNT.password);
  await section.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(section.getByText('Multi-factor authentication is off.')).toBeVisible();
});
