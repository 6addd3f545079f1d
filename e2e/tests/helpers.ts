// What the console tests do besides clicking: create another account on a test
// server (with the server's own CLI), read the session a tab holds, make an API
// call as the demo account with email/password.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page, APIRequestContext } from '@playwright/test';
import { DEMO_ACCOUNT, type Server } from '../fixtures';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `account-api create-account` on the server's database (password on stdin). */
export function createAccount(server: Server, email: string, password: string): void {
  const bin = path.resolve(repoRoot, process.env.E2E_API_BIN || 'target/debug/account-api');
  execFileSync(bin, ['--db', path.join(server.dbDir, 'api.sqlite'), 'create-account', '--email', email], {
    input: `${password}\n`,
    env: { ...process.env, ACCOUNT_API_LOG: 'warn' },
  });
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
