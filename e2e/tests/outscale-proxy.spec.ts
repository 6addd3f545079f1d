// The reverse-proxy recipe (deploy/nginx.conf) with a real nginx in front: the built console
// as static files, /api/v1/ to the account API, and /outscale/eu-west-2/api/v1/ to a second
// account API standing in for OUTSCALE's eu-west-2 (it accepts signatures over
// api.eu-west-2.outscale.com, the Host the recipe sends). The console must sign OUTSCALE's
// host and path, not the browser's, for the stand-in to accept its calls.
import { collectCspViolations, DEMO_ACCOUNT, expect, expectNoAxeViolations, signIn, test } from '../fixtures';
import { PUBLIC_HOST, signInWithKeyOnOutscale, useOutscaleStandIn } from './outscale-stand-in';

function oscDate(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** An access key of the demo account, made with email/password (Basic) on `baseURL`. */
async function createAccessKey(baseURL: string): Promise<{ AccessKeyId: string; SecretKey: string }> {
  const auth = Buffer.from(`${DEMO_ACCOUNT.email}:${DEMO_ACCOUNT.password}`).toString('base64');
  const response = await fetch(`${baseURL}/api/v1/CreateAccessKey`, {
    method: 'POST',
    headers: { Authorization: `Basic ${auth}`, 'X-Osc-Date': oscDate(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ Tag: 'e2e-proxy' }),
  });
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.AccessKey;
}

test.describe('behind nginx (deploy/nginx.conf)', () => {
  const outscale = useOutscaleStandIn();

  test('the console signs in to an OUTSCALE region through the proxy with access keys', async ({ page }) => {
    const csp = await collectCspViolations(page);
    // The static files carry the console's headers; a client route is index.html.
    const response = await page.goto(`${outscale.nginx.baseURL}/personal-space`);
    const headers = response!.headers();
    expect(response!.status()).toBe(200);
    expect(headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cache-control']).toBe('no-cache');
    const config = await fetch(`${outscale.nginx.baseURL}/config.json`);
    expect(config.headers.get('cache-control')).toBe('no-cache');
    const endpoint = (await config.json()).endpoints.find((e: { id: string }) => e.id === 'eu-west-2');
    expect(endpoint.url).toBe('/outscale/eu-west-2/api/v1');
    expect(endpoint.host).toBe(PUBLIC_HOST);

    // The key exists only on the stand-in: only the eu-west-2 route can accept it.
    const key = await createAccessKey(outscale.api.baseURL);
    await expect(page.getByRole('heading', { level: 1, name: 'Connexion' })).toBeVisible();
    await signInWithKeyOnOutscale(page, { id: key.AccessKeyId, secret: key.SecretKey });
    await expect(page).toHaveURL(/\/personal-space$/);
    await expect(page.getByRole('button', { name: `Menu du profil ${DEMO_ACCOUNT.email}`, exact: true })).toBeVisible();
    await expect(page.getByRole('main').getByText(DEMO_ACCOUNT.email).first()).toBeVisible();
    await expectNoAxeViolations(page, 'personal space through nginx (eu-west-2)');
    await csp.expectNone('the console through nginx');
  });

  test('email/password sign-in on the account API through the proxy', async ({ page }) => {
    const csp = await collectCspViolations(page);
    await signIn(page, { ...DEMO_ACCOUNT, baseURL: outscale.nginx.baseURL });
    await expect(page.getByRole('main').getByText(DEMO_ACCOUNT.email).first()).toBeVisible();
    await expectNoAxeViolations(page, 'personal space through nginx (/api/v1/)');
    await csp.expectNone('the console through nginx');
  });
});
