// What the console tests do besides clicking: create another account on a test
// server (with the server's own CLI), read the session a tab holds, make an API
// call as the demo account with email/password.

import { execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page, APIRequestContext } from '@playwright/test';
import { DEMO_ACCOUNT, expect, type Server } from '../fixtures';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `account-api create-account` on the server's database (password on stdin). */
export function createAccount(server: Server, email: string, password: string): void {
  const bin = path.resolve(repoRoot, process.env.E2E_API_BIN || 'target/debug/account-api');
  execFileSync(bin, ['--db', path.join(server.dbDir, 'api.sqlite'), 'create-account', '--email', email], {
    input: `${password}\n`,
    env: { ...process.env, ACCOUNT_API_LOG: 'warn' },
  });
}

/** The demo EIM user the server printed when it made the database. */
export function demoUser(server: Server) {
  const line = server.output().split('\n').find((l) => l.startsWith('Created the demo EIM user '));
  const m = line?.match(/user (\S+) \(no password yet\): access key (\S+) \/ secret key (\S+)/);
  if (!m) throw new Error(`no demo user line in the server output:\n${server.output()}`);
  return { login: m[1], accessKey: m[2], secretKey: m[3] };
}

/** The session the tab keeps in sessionStorage, or null. */
export async function sessionOf(page: Page): Promise<{ access_key_id: string; login: string } | null> {
  const raw = await page.evaluate(() => sessionStorage.getItem('osc-console.session'));
  return raw ? JSON.parse(raw) : null;
}

function oscDate(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** A call with email/password (Basic), as OUTSCALE allows on the access-key calls. */
export async function basicCall(
  request: APIRequestContext,
  baseURL: string,
  call: string,
  body: object,
  creds = DEMO_ACCOUNT,
) {
  const auth = Buffer.from(`${creds.email}:${creds.password}`).toString('base64');
  const response = await request.post(`${baseURL}/api/v1/${call}`, {
    headers: { Authorization: `Basic ${auth}`, 'X-Osc-Date': oscDate(), 'Content-Type': 'application/json' },
    data: JSON.stringify(body),
  });
  return { status: response.status(), body: await response.json() };
}

/** Locale-independent: waits for the app's WebAssembly to be running. */
export async function waitForApp(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

// ---------------------------------------------------------------------------------------
// Multi-factor authentication: codes computed as an authenticator app would, calls signed
// with an access key (OSC4) for what the console does not do itself, the sign-in's first step.

/** The console's address with a host name WebAuthn accepts. */
export const localhost = (server: Server) => server.baseURL.replace('127.0.0.1', 'localhost');

export function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  return Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
}

/** RFC 6238 (SHA-1, 6 digits, 30 s), `offset` steps from now. */
export function totp(secret: string, offset = 0): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset));
  const hash = createHmac('sha1', base32(secret)).update(message).digest();
  const value = (hash.readUInt32BE(hash[hash.length - 1] & 0xf) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

export type Key = { id: string; secret: string };

/** A call signed with an access key (OSC4, as `account_contract::signing` does it),
 * answering `status` (200 unless told). */
export async function signedCall(request: APIRequestContext, baseURL: string, key: Key, call: string, body: object, status = 200) {
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
  expect(response.status(), JSON.stringify(answer)).toBe(status);
  return answer;
}

/** The demo account with an authenticator app, added through the API: a key made
 * before, the app's secret and the recovery codes its activation gave. */
export async function withAuthenticatorApp(request: APIRequestContext, baseURL: string) {
  const key = await demoKey(request, baseURL);
  const created = await signedCall(request, baseURL, key, 'CreateMfaDevice', {
    CurrentPassword: DEMO_ACCOUNT.password, Type: 'TOTP', Name: 'Téléphone',
  });
  const secret: string = created.Totp.Secret;
  const activated = await signedCall(request, baseURL, key, 'ActivateMfaDevice', {
    MfaDeviceId: created.MfaDeviceId, Code: totp(secret),
  });
  return { key, secret, recovery: activated.RecoveryCodes as string[] };
}

/** A key for the demo account, made with its password (before MFA is on). */
export async function demoKey(request: APIRequestContext, baseURL: string): Promise<Key> {
  const made = await basicCall(request, baseURL, 'CreateAccessKey', {});
  expect(made.status).toBe(200);
  return { id: made.body.AccessKey.AccessKeyId, secret: made.body.AccessKey.SecretKey };
}

export async function signOut(page: Page, label: RegExp, menuItem: string) {
  await page.getByRole('button', { name: label }).click();
  await page.getByRole('menuitem', { name: menuItem }).click();
  await page.waitForURL(/\/sign-in/);
}

/** Email and password, up to the second step. */
export async function firstStep(page: Page, base: string, t: (typeof MFA_TEXT)['fr']) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel(t.email, { exact: true }).fill(DEMO_ACCOUNT.email);
  await page.getByLabel(t.password, { exact: true }).fill(DEMO_ACCOUNT.password);
  await page.getByRole('button', { name: t.submit, exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: t.step })).toBeVisible();
}

/** The sign-in's words, for `firstStep`. */
export const MFA_TEXT = {
  fr: { email: 'Adresse e-mail', password: 'Mot de passe', submit: 'Se connecter', step: 'Vérification en deux étapes' },
  en: { email: 'Email address', password: 'Password', submit: 'Sign in', step: 'Two-step verification' },
};

// ---------------------------------------------------------------------------------------
// Security keys: Chromium's virtual authenticator (CDP `WebAuthn` domain), and a key
// registered through the API as any client would.

/** A virtual security key that answers at once, for the page's browser. */
export async function addVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'usb', hasResidentKey: true,
      hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
    },
  });
}

/** Registers the virtual key for the demo account (CreateMfaDevice, the browser's
 * `credentials.create` at the console's origin, ActivateMfaDevice); leaves the page
 * on the sign-in. */
async function registerKey(page: Page, request: APIRequestContext, base: string, key: Key, name: string) {
  const created = await signedCall(request, base, key, 'CreateMfaDevice', {
    CurrentPassword: DEMO_ACCOUNT.password, Type: 'WEBAUTHN', Name: name,
  });
  await page.goto(`${base}/sign-in`);
  const credential = await page.evaluate(async (options) => {
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
    const made = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential;
    return made.toJSON();
  }, created.PublicKeyOptions);
  await signedCall(request, base, key, 'ActivateMfaDevice', { MfaDeviceId: created.MfaDeviceId, Credential: credential });
}

/** The demo account on `server` with a virtual security key, "Blue key": the console's
 * address (with a host name WebAuthn accepts) and an access key of the account. */
export async function withSecurityKey(page: Page, request: APIRequestContext, server: Server) {
  await addVirtualAuthenticator(page);
  const base = localhost(server);
  const key = await demoKey(request, base);
  await registerKey(page, request, base, key, 'Blue key');
  return { base, key };
}

/** The names of the calls the page makes, in order (`CreateAccessKey`…). */
export function recordCalls(page: Page): string[] {
  const calls: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.includes('/api/v1/')) calls.push(url.pathname.split('/').pop()!);
  });
  return calls;
}

/** The calls made before the session key existed: up to the last CreateAccessKey (each
 * call after it is signed with that key). */
export const beforeTheKey = (calls: string[]) => calls.slice(0, calls.lastIndexOf('CreateAccessKey') + 1);

/** Presses Enter on a control, as a keyboard user who tabbed to it. */
export async function press(control: ReturnType<Page['getByRole']>) {
  await control.focus();
  await control.press('Enter');
}

/** Opens a page from the profile menu, with the keyboard: the menu button named `profile`,
 * its item `menu`; the page at `path` shows its title `title`, which has the focus. */
export async function openFromProfileMenu(page: Page, t: { profile: RegExp | string; menu: string; title: string }, path: RegExp) {
  await press(page.getByRole('button', { name: t.profile }));
  const item = page.getByRole('menuitem', { name: t.menu, exact: true });
  await expect(item).toBeVisible();
  await press(item);
  await expect(page).toHaveURL(path);
  await expect(page.getByRole('heading', { level: 1, name: t.title })).toBeFocused();
}

/** The secret is in none of the browser's storage, nor in the address. */
export async function expectSecretKept(page: Page, secret: string) {
  const stored = await page.evaluate(() => {
    const all = (s: Storage) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`).join('\n');
    return `${all(localStorage)}\n${all(sessionStorage)}`;
  });
  expect(stored).not.toContain(secret);
  expect(page.url()).not.toContain(secret);
}

/** From the sign-in page, signs in with an access key, in French, at the endpoint labelled
 * `endpoint` when one is given; waits for the page it lands on, titled `lands`. */
export async function signInWithKey(page: Page, key: Key, lands: string, endpoint?: string) {
  if (endpoint) await page.getByLabel("Point d'accès de l'API").selectOption({ label: endpoint });
  await page.getByLabel("Clé d'accès et clé secrète").check();
  await page.getByLabel("Clé d'accès", { exact: true }).fill(key.id);
  await page.getByLabel('Clé secrète', { exact: true }).fill(key.secret);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: lands })).toBeVisible();
}
