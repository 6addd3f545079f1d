// Signing in with a second factor, end to end in Chromium. The factors are added
// through the API (the calls of docs/API.md, signed with an access key as any client
// would), then the console's sign-in asks for them after the password: a code from an
// authenticator app (computed here from the secret the API gave), a recovery code
// (once), a security key (Chromium's virtual authenticator, CDP `WebAuthn` domain).
//
// WebAuthn needs a domain name (or localhost), not an IP address: these tests open the
// console at http://localhost:PORT, which the server's default relying party allows.

import { createHash, createHmac } from 'node:crypto';
import type { APIRequestContext, Page } from '@playwright/test';
import { test, expect, DEMO_ACCOUNT, expectNoAxeViolations, setColorScheme, type Server } from '../fixtures';
import { basicCall } from './helpers';

/** The console's address with a host name WebAuthn accepts. */
const localhost = (server: Server) => server.baseURL.replace('127.0.0.1', 'localhost');

function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  return Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
}

/** RFC 6238 (SHA-1, 6 digits, 30 s), `offset` steps from now. */
function totp(secret: string, offset = 0): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset));
  const hash = createHmac('sha1', base32(secret)).update(message).digest();
  const value = (hash.readUInt32BE(hash[hash.length - 1] & 0xf) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

type Key = { id: string; secret: string };

/** A call signed with an access key (OSC4, as `account_contract::signing` does it). */
async function signedCall(request: APIRequestContext, baseURL: string, key: Key, call: string, body: object) {
  const text = JSON.stringify(body);
  const host = new URL(baseURL).host;
  const dateTime = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = dateTime.slice(0, 8);
  const contentType = 'application/json; charset=utf-8';
  const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
  const hmac = (k: Buffer | string, s: string) => createHmac('sha256', k).update(s).digest();
  const canonical = ['POST', `/api/v1/${call}`, '', `content-type:${contentType}`, `host:${host}`,
    `x-osc-date:${dateTime}`, '', 'content-type;host;x-osc-date', sha256(text)].join('\n');
  const scope = `${date}/eu-west-2/api/osc4_request`;
  const toSign = ['OSC4-HMAC-SHA256', dateTime, scope, sha256(canonical)].join('\n');
  let signingKey = hmac(`OSC4${key.secret}`, date);
  for (const part of ['eu-west-2', 'api', 'osc4_request']) signingKey = hmac(signingKey, part);
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  const response = await request.post(`${baseURL}/api/v1/${call}`, {
    headers: {
      Authorization: `OSC4-HMAC-SHA256 Credential=${key.id}/${scope}, SignedHeaders=content-type;host;x-osc-date, Signature=${signature}`,
      'X-Osc-Date': dateTime,
      'Content-Type': contentType,
    },
    data: text,
  });
  const answer = await response.json();
  expect(response.status(), JSON.stringify(answer)).toBe(200);
  return answer;
}

/** A key for the demo account, made with its password (before MFA is on). */
async function demoKey(request: APIRequestContext, baseURL: string): Promise<Key> {
  const made = await basicCall(request, baseURL, 'CreateAccessKey', {});
  expect(made.status).toBe(200);
  return { id: made.body.AccessKey.AccessKeyId, secret: made.body.AccessKey.SecretKey };
}

async function signOut(page: Page, label: RegExp, menuItem: string) {
  await page.getByRole('button', { name: label }).click();
  await page.getByRole('menuitem', { name: menuItem }).click();
  await page.waitForURL(/\/sign-in/);
}

/** Email and password, up to the second step. */
async function firstStep(page: Page, base: string, t: (typeof TEXT)['fr']) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel(t.email, { exact: true }).fill(DEMO_ACCOUNT.email);
  await page.getByLabel(t.password, { exact: true }).fill(DEMO_ACCOUNT.password);
  await page.getByRole('button', { name: t.submit, exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: t.step })).toBeVisible();
}

const TEXT = {
  fr: { email: 'Adresse e-mail', password: 'Mot de passe', submit: 'Se connecter', step: 'Vérification en deux étapes' },
  en: { email: 'Email address', password: 'Password', submit: 'Sign in', step: 'Two-step verification' },
};

test('with an authenticator app: the password alone no longer signs in; a code or a recovery code (once) does', async ({ page, freshServer, request }) => {
  test.setTimeout(90_000);
  const base = localhost(freshServer);
  const key = await demoKey(request, base);
  const created = await signedCall(request, base, key, 'CreateMfaDevice', {
    CurrentPassword: DEMO_ACCOUNT.password, Type: 'TOTP', Name: 'Téléphone',
  });
  const secret: string = created.Totp.Secret;
  const activated = await signedCall(request, base, key, 'ActivateMfaDevice', {
    MfaDeviceId: created.MfaDeviceId, Code: totp(secret),
  });
  const recovery: string[] = activated.RecoveryCodes;
  expect(recovery).toHaveLength(10);

  // The password is right, so the console asks for the second factor (the code field first).
  await firstStep(page, base, TEXT.fr);
  await expect(page.getByLabel('Code de vérification')).toBeFocused();
  await expectNoAxeViolations(page, 'mfa-sign-in-fr-light');
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await expect(page.getByText('Ce champ est obligatoire.')).toBeVisible();
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

test('with a security key (virtual authenticator), in English and dark: the key signs in', async ({ page, freshServer, request }) => {
  test.setTimeout(90_000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'usb', hasResidentKey: true,
      hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
    },
  });
  const base = localhost(freshServer);
  const key = await demoKey(request, base);
  const created = await signedCall(request, base, key, 'CreateMfaDevice', {
    CurrentPassword: DEMO_ACCOUNT.password, Type: 'WEBAUTHN', Name: 'Blue key',
  });
  // The browser registers the key from the API's options, at the console's origin.
  await page.goto(`${base}/sign-in`);
  const credential = await page.evaluate(async (options) => {
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
    const made = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential;
    return made.toJSON();
  }, created.PublicKeyOptions);
  await signedCall(request, base, key, 'ActivateMfaDevice', { MfaDeviceId: created.MfaDeviceId, Credential: credential });

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
