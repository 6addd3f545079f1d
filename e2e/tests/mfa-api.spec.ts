// Signing in with a second factor added through the API (the calls of docs/API.md,
// signed with an access key as any client would, as with OUTSCALE's CLIs), end to end in
// Chromium: then the console's sign-in asks for them after the password: a code from an
// authenticator app (computed here from the secret the API gave), a recovery code
// (once), a security key (Chromium's virtual authenticator, CDP `WebAuthn` domain).
//
// WebAuthn needs a domain name (or localhost), not an IP address: these tests open the
// console at http://localhost:PORT, which the server's default relying party allows.

import type { Page } from '@playwright/test';
import { test, expect, DEMO_ACCOUNT, expectNoAxeViolations, setColorScheme } from '../fixtures';
import {
  basicCall, beforeTheKey, firstStep, localhost, MFA_TEXT as TEXT, recordCalls, signedCall, signOut, totp, withAuthenticatorApp, withSecurityKey,
} from './helpers';

test('with an authenticator app: the password alone no longer signs in; a code or a recovery code (once) does', async ({ page, freshServer, request }) => {
  test.setTimeout(90_000);
  const base = localhost(freshServer);
  const { key, secret, recovery } = await withAuthenticatorApp(request, base);
  expect(recovery).toHaveLength(10);

  // The password is right, so the console asks for the second factor (the code field first).
  await firstStep(page, base, TEXT.fr);
  await expect(page.getByLabel('Code de vérification')).toBeFocused();
  await expectNoAxeViolations(page, 'mfa-sign-in-fr-light');
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await expect(page.getByText('Ce champ est obligatoire.')).toBeVisible();
  // The API unreachable at the second step: said plainly, with the endpoint's address.
  await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
  await page.getByLabel('Code de vérification').fill('123456');
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await expect(page.getByRole('alert')).toContainText("Impossible de joindre l'API (/api/v1)");
  await page.unroute('**/api/v1/**');
  // A code from long ago is refused, said on its field; the code of the next step (the
  // one above was used at activation, and a code works once) signs in.
  await page.getByLabel('Code de vérification').fill(totp(secret, -20));
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await expect(page.getByText('Code incorrect ou expiré. Saisissez le code affiché maintenant.')).toBeVisible();
  await page.getByLabel('Code de vérification').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await page.waitForURL(/\/personal-space/);

  // A recovery code signs in once.
  await signOut(page, /Menu du profil/, 'Se déconnecter');
  await firstStep(page, base, TEXT.fr);
  await page.getByRole('button', { name: 'Utiliser un code de récupération' }).click();
  await expect(page.getByLabel('Code de récupération')).toBeFocused();
  await page.getByLabel('Code de récupération').fill(recovery[0].toUpperCase());
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await page.waitForURL(/\/personal-space/);
  const left = await signedCall(request, base, key, 'ReadMfaDevices', {});
  expect(left.RecoveryCodesLeft).toBe(9);

  await signOut(page, /Menu du profil/, 'Se déconnecter');
  await firstStep(page, base, TEXT.fr);
  await page.getByRole('button', { name: 'Utiliser un code de récupération' }).click();
  await page.getByLabel('Code de récupération').fill(recovery[0]);
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await expect(page.getByText('Code de récupération incorrect ou déjà utilisé.')).toBeVisible();
  // Retour: back to the email and password, emptied.
  await page.getByRole('button', { name: 'Retour' }).click();
  await expect(page.getByLabel('Mot de passe', { exact: true })).toHaveValue('');
  await firstStep(page, base, TEXT.fr);
  await page.getByRole('button', { name: 'Utiliser un code de récupération' }).click();
  await page.getByLabel('Code de récupération').fill(recovery[1]);
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await page.waitForURL(/\/personal-space/);
});

test('after 100 wrong codes in a row the apps are blocked: said in French and English, and a recovery code unblocks', async ({ page, freshServer, request }) => {
  test.setTimeout(90_000);
  const base = localhost(freshServer);
  const { key, secret, recovery } = await withAuthenticatorApp(request, base);
  // Another key of the identity guesses a pending app's activation code (docs/API.md:
  // those count toward the 100 wrong codes in a row, dry runs included).
  const pending = await signedCall(request, base, key, 'CreateMfaDevice', {
    CurrentPassword: DEMO_ACCOUNT.password, Type: 'TOTP', Name: 'Tablette',
  });
  const near = [-1, 0, 1].map((step) => totp(pending.Totp.Secret, step));
  const wrong = ['000000', '111111', '222222', '333333'].find((c) => !near.includes(c));
  for (let i = 0; i < 100; i++) {
    await signedCall(request, base, key, 'ActivateMfaDevice',
      { MfaDeviceId: pending.MfaDeviceId, Code: wrong, DryRun: true }, 400);
  }

  // The owner's right code is not even checked: the way out is said, in both languages.
  await firstStep(page, base, TEXT.fr);
  await page.getByLabel('Code de vérification').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await expect(page.getByRole('alert')).toHaveText("Trop de codes erronés à la suite : vos applications d'authentification et clés de sécurité sont bloquées. Connectez-vous avec un code de récupération pour les débloquer, ou contactez l'administrateur de ce service.");
  await expectNoAxeViolations(page, 'mfa-blocked-fr-light');
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Too many wrong codes in a row: your authenticator apps and security keys are blocked. Sign in with a recovery code to unblock them, or ask the administrator of this service.');
  // A recovery code signs in, and unblocks the app for the next sign-in.
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(recovery[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(/\/personal-space/);
  const code = await basicCall(request, base, 'CreateAccessKey', { MfaCode: totp(secret, 1) });
  expect(code.status, JSON.stringify(code.body)).toBe(200);
});

test('with a security key (virtual authenticator), in English and dark: the key signs in', async ({ page, freshServer, request }) => {
  test.setTimeout(90_000);
  const { base, key } = await withSecurityKey(page, request, freshServer);

  await setColorScheme(page, 'dark');
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await firstStep(page, base, TEXT.en);
  // Only a key: the step offers it first, and no authenticator app.
  await expect(page.getByRole('button', { name: 'Use an authenticator app' })).toBeHidden();
  await expectNoAxeViolations(page, 'mfa-sign-in-key-en-dark');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(/\/personal-space/);
  const devices = await signedCall(request, base, key, 'ReadMfaDevices', {});
  expect(devices.MfaDevices[0].LastUsedDate).toBeTruthy();
});

// Sign-in as one conversation (docs/API.md): the password's answer, 401 1010, says which
// second factors the identity has (with a security key's challenge), so the second step
// sends the factor at once. These count the browser's calls.

/** Email and password, then the second factor (`fill` types it, if it is typed), and
 * Vérifier: two calls before the session key exists, and no CreateMfaChallenge. */
async function expectTwoCallsBeforeTheKey(page: Page, base: string, fill: () => Promise<void>) {
  const calls = recordCalls(page);
  await firstStep(page, base, TEXT.fr);
  await fill();
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await page.waitForURL(/\/personal-space/);
  expect(beforeTheKey(calls)).toEqual(['CreateAccessKey', 'CreateAccessKey']);
  expect(calls).not.toContain('CreateMfaChallenge');
}

test('with an authenticator app, two calls before the session key exists, and no CreateMfaChallenge', async ({ page, freshServer, request }) => {
  const base = freshServer.baseURL;
  const { secret } = await withAuthenticatorApp(request, base);
  // The next step's code: the one above was used at activation, and a code works once.
  await expectTwoCallsBeforeTheKey(page, base, () => page.getByLabel('Code de vérification').fill(totp(secret, 1)));
});

test('with a security key, two calls before the session key exists: the password\'s answer brings the challenge', async ({ page, freshServer, request }) => {
  test.setTimeout(90_000);
  const { base } = await withSecurityKey(page, request, freshServer);
  await expectTwoCallsBeforeTheKey(page, base, async () => {});
});

test('a security key refused once: the retry asks for a new challenge, then signs in', async ({ page, freshServer, request }) => {
  test.setTimeout(90_000);
  const { base } = await withSecurityKey(page, request, freshServer);
  // The first assertion the console sends is refused (1011), as a key the API does not know.
  let refused = 0;
  await page.route('**/api/v1/CreateAccessKey', async (route) => {
    if (refused > 0 || !route.request().postDataJSON().WebAuthnCredential) return route.continue();
    refused++;
    await route.fulfill({
      status: 401,
      json: { Errors: [{ Code: '1011', Type: 'AccessDenied', Details: '' }], ResponseContext: { RequestId: 'e2e' } },
    });
  });

  const calls = recordCalls(page);
  await firstStep(page, base, TEXT.fr);
  // Whatever the first step cost (nothing on this API; CreateMfaChallenge on one that
  // does not say the second factors), the first attempt signs the challenge it brought.
  const challenges = () => calls.filter((c) => c === 'CreateMfaChallenge').length;
  const atFirstStep = challenges();
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await expect(page.getByRole('alert')).toHaveText("La clé de sécurité n'a pas été reconnue.");
  expect(refused).toBe(1);
  expect(challenges()).toBe(atFirstStep);
  // A challenge answers one sign-in: the retry asks for a new one.
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await page.waitForURL(/\/personal-space/);
  expect(challenges()).toBe(atFirstStep + 1);
});
