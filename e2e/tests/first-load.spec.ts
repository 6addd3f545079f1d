// The first load: what Chromium fetches to show the sign-in page is exactly what
// scripts/size-budget counts as the first load (e2e/first-load.mjs), plus config.json and
// the favicon (counted in neither figure). The release build (scripts/build-console) splits
// the signed-in pages out: their module is fetched only once the sign-in
// form is being filled, and a module that cannot be fetched shows an alert, not a blank page.

import { readdirSync } from 'node:fs';

import { collectCspViolations, DEMO_ACCOUNT, expect, test } from '../fixtures';
import { firstLoadFiles } from '../first-load.mjs';
import { consoleDist } from '../server.mjs';

const dist = consoleDist();
const firstLoad = firstLoadFiles(dist);
/** The files size-budget counts but the sign-in page does not need: the split modules. */
const later = readdirSync(dist).filter((f) => /\.(js|wasm)$/.test(f) && !firstLoad.includes(f));
const split = later.length > 0;
const NOT_COUNTED = /^(config\.json|favicon-[0-9a-f]+\.svg)$/;

/** The same-origin files a page requests, from now on, as paths relative to dist. */
function recordRequests(page: import('@playwright/test').Page, baseURL: string): string[] {
  const fetched: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.origin === new URL(baseURL).origin && !url.pathname.startsWith('/api/')) {
      fetched.push(url.pathname.slice(1));
    }
  });
  return fetched;
}

test('the sign-in page fetches the first load and nothing else', async ({ page, baseURL }) => {
  const csp = await collectCspViolations(page);
  const fetched = recordRequests(page, baseURL!);
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { level: 1, name: 'Connexion', exact: true })).toBeVisible();
  await page.waitForLoadState('networkidle');

  // The document itself is index.html, served for /sign-in.
  const files = new Set(fetched.map((f) => (f === 'sign-in' ? 'index.html' : f)));
  const uncounted = [...files].filter((f) => !firstLoad.includes(f));
  expect(uncounted.filter((f) => !NOT_COUNTED.test(f)), 'fetched, but not in the first-load figure').toEqual([]);
  expect(firstLoad.filter((f) => !files.has(f)), 'in the first-load figure, but not fetched').toEqual([]);

  // In a split build, typing in the form starts fetching the signed-in module.
  const module = split && page.waitForRequest((r) => later.some((f) => r.url().endsWith(`/${f}`)));
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(DEMO_ACCOUNT.email);
  await module;
  await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_ACCOUNT.password);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Espace personnel', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: /Menu du profil/ })).toBeVisible();

  // A reload while signed in fetches the module again and shows the page.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Espace personnel', exact: true })).toBeVisible();
  await csp.expectNone('sign-in, then the signed-in pages');
});

test('a signed-in module that cannot be fetched shows an alert and can be retried', async ({ page }) => {
  expect(split, 'scripts/build-console splits the signed-in pages into a module of their own').toBe(true);
  const blocked = (url: URL) => later.some((f) => url.pathname === `/${f}`);
  await page.route(blocked, (route) => route.abort('internetdisconnected'));

  await page.goto('/sign-in');
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(DEMO_ACCOUNT.email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_ACCOUNT.password);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await page.waitForURL(/\/personal-space$/);
  const alert = page.getByRole('alert').filter({ hasText: "Cette page n'a pas pu être chargée" });
  await expect(alert).toBeVisible();

  await page.unroute(blocked);
  await alert.getByRole('button', { name: 'Réessayer', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Espace personnel', exact: true })).toBeVisible();
  // The profile menu, waiting for the same module, comes with it.
  await expect(page.getByRole('button', { name: /Menu du profil/ })).toBeVisible();
});
