// The same access-key sign-in to eu-west-2 through `trunk serve`'s proxy, as in development:
// /outscale/eu-west-2/api/v1/ forwarded to an account API standing in for OUTSCALE. Trunk's
// proxy rewrites Host to the backend's, so the stand-in also accepts signatures over
// api.eu-west-2.outscale.com (--public-host), the host the console signs.
// Trunk builds the console itself (a development build, as scripts/dev's, into a temporary
// folder): this test is slow.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../nginx.mjs';
import { repoRoot, startServer } from '../server.mjs';
import { DEMO_ACCOUNT, expect, test } from '../fixtures';
import { basicCall } from './helpers';

test('access-key sign-in to eu-west-2 through the proxy of trunk serve', async ({ page, request }) => {
  test.setTimeout(600_000);
  const standIn = await startServer({ extraArgs: ['--public-host', 'api.eu-west-2.outscale.com'] });
  const dist = mkdtempSync(path.join(tmpdir(), 'trunk-serve-e2e-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, TRUNK_COLOR: 'never', TRUNK_SKIP_VERSION_CHECK: 'true' };
  delete env.NO_COLOR;
  // The proxy entry, given on the command line: used only by this test. Trunk watches only
  // boot.js, so the test's own files never start a rebuild.
  const args = ['serve', '--no-autoreload', '--port', String(port), '--dist', dist, '--watch', 'boot.js',
    '--proxy-backend', `${standIn.baseURL}/api/v1/`, '--proxy-rewrite', '/outscale/eu-west-2/api/v1/'];
  const trunk = spawn('trunk', args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  trunk.stdout.setEncoding('utf8').on('data', (c) => (output += c));
  trunk.stderr.setEncoding('utf8').on('data', (c) => (output += c));
  let exited = false;
  const exit = new Promise((resolve) => trunk.once('exit', () => resolve((exited = true))));
  try {
    const baseURL = `http://127.0.0.1:${port}`;
    await expect
      .poll(async () => {
        if (exited) throw new Error(`trunk serve exited:\n${output}`);
        const res = await fetch(`${baseURL}/config.json`).catch(() => null);
        return res?.status ?? 0;
      }, { timeout: 580_000, intervals: [1_000] })
      .toBe(200);

    const created = await basicCall(request, standIn.baseURL, 'CreateAccessKey', { Tag: 'e2e-trunk' });
    expect(created.status).toBe(200);
    const { AccessKeyId, SecretKey } = created.body.AccessKey;
    await page.goto(`${baseURL}/sign-in`);
    await page.getByLabel("Point d'accès de l'API").selectOption({ label: 'OUTSCALE eu-west-2 (via proxy)' });
    await page.getByLabel("Clé d'accès et clé secrète").check();
    await page.getByLabel("Clé d'accès", { exact: true }).fill(AccessKeyId);
    await page.getByLabel('Clé secrète', { exact: true }).fill(SecretKey);
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Espace personnel' })).toBeVisible();
    await expect(page.getByRole('main').getByText(DEMO_ACCOUNT.email).first()).toBeVisible();
  } finally {
    if (!exited) {
      trunk.kill('SIGTERM');
      const timer = setTimeout(() => trunk.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    }
    await standIn.stop();
    rmSync(dist, { recursive: true, force: true });
  }
});
