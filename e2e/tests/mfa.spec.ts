// Multi-factor authentication, end to end in Chromium: an authenticator app (the test
// computes its codes from the secret the page shows), a security key (Chromium's
// virtual authenticator, CDP `WebAuthn` domain), recovery codes, removal; the sign-in's
// second step for each; French and English, light and dark, axe on every screen.
//
// WebAuthn needs a domain name (or localhost), not an IP address: these tests open the
// console at http://localhost:PORT, which the server's default relying party allows.

import { readFile } from 'node:fs/promises';
import { createHmac } from 'node:crypto';
import { test, expect, signIn, DEMO_ACCOUNT, expectNoAxeViolations, setColorScheme, type Server } from '../fixtures';
import type { Page } from '@playwright/test';

/** The console's address with a host name WebAuthn accepts. */
const localhost = (server: Server) => server.baseURL.replace('127.0.0.1', 'localhost');

function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}

/** RFC 6238 (SHA-1, 6 digits, 30 s), `offset` steps from now. */
function totp(secret: string, offset = 0): string {
  const step = Math.floor(Date.now() / 30_000) + offset;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(step));
  const hash = createHmac('sha1', base32(secret)).update(message).digest();
  const at = hash[hash.length - 1] & 0xf;
  const value = (hash.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

async function signOut(page: Page, label: RegExp, menuItem: string) {
  await page.getByRole('button', { name: label }).click();
  await page.getByRole('menuitem', { name: menuItem }).click();
  await page.waitForURL(/\/sign-in/);
}

/** Email and password, up to the second step. */
async function firstStep(page: Page, base: string, t: { email: string; password: string; submit: string; step: string }) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel(t.email, { exact: true }).fill(DEMO_ACCOUNT.email);
  await page.getByLabel(t.password, { exact: true }).fill(DEMO_ACCOUNT.password);
  await page.getByRole('button', { name: t.submit, exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: t.step })).toBeVisible();
}

const FR = { email: 'Adresse e-mail', password: 'Mot de passe', submit: 'Se connecter', step: 'Vérification en deux étapes' };
const EN = { email: 'Email address', password: 'Password', submit: 'Sign in', step: 'Two-step verification' };

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
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'usb',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
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
