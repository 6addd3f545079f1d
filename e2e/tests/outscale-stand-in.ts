// OUTSCALE's eu-west-2 for the console's tests: the reverse-proxy recipe
// (deploy/nginx.conf) in a real nginx, the built console as static files, /api/v1/ to the
// account API, and /outscale/eu-west-2/api/v1/ to a second account API standing in for
// OUTSCALE (it accepts signatures over api.eu-west-2.outscale.com, the Host the recipe
// sends). A test changes the stand-in's answers with `page.route` where OUTSCALE's differ.

import type { Page } from '@playwright/test';
import { startNginx, type Nginx } from '../nginx.mjs';
import { consoleDist, startServer, type Server } from '../server.mjs';
import { test } from '../fixtures';
import { signInWithKey, type Key } from './helpers';

export const PUBLIC_HOST = 'api.eu-west-2.outscale.com';

/** The stand-in and the nginx in front of it, started before each test of the enclosing
 * `describe` and stopped after it; read them in the test, not when the block is defined. */
export function useOutscaleStandIn(): { readonly api: Server; readonly nginx: Nginx } {
  let api: Server | undefined;
  let nginx: Nginx | undefined;
  test.beforeEach(async ({ freshServer }) => {
    api = await startServer({ extraArgs: ['--public-host', PUBLIC_HOST] });
    nginx = await startNginx({
      root: consoleDist(),
      accountApi: new URL(freshServer.baseURL).host,
      regions: { 'eu-west-2': api.baseURL },
    });
  });
  test.afterEach(async () => {
    await nginx?.stop();
    await api?.stop();
  });
  return {
    get api() {
      return api!;
    },
    get nginx() {
      return nginx!;
    },
  };
}

/** From the sign-in page, signs in to OUTSCALE eu-west-2 (via the proxy) with `key`, in
 * French; ends on Espace personnel. */
export const signInWithKeyOnOutscale = (page: Page, key: Key) =>
  signInWithKey(page, key, 'Espace personnel', 'OUTSCALE eu-west-2 (via proxy)');
