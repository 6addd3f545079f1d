import {
  collectCspViolations,
  DEMO_ACCOUNT,
  expect,
  expectNoAxeViolations,
  setColorScheme,
  signIn,
  test,
} from '../fixtures';

test('sign in with the demo account: accessible, no CSP violation', async ({ page }) => {
  const csp = await collectCspViolations(page);

  const response = await page.goto('/');
  expect(response, 'the document response').not.toBeNull();
  expect(response!.status()).toBe(200);
  expect(response!.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");

  // Signed out, `/` goes to the sign-in page, in French by default.
  await expect(page).toHaveURL(/\/sign-in(\?|$)/);
  await expect(page.getByRole('heading', { level: 1, name: 'Connexion', exact: true })).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await setColorScheme(page, scheme);
    await expectNoAxeViolations(page, `sign-in (${scheme})`);
  }
  await setColorScheme(page, 'light');

  await signIn(page, DEMO_ACCOUNT);
  await expect(page).toHaveURL(/\/personal-space$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Espace personnel', exact: true })).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await setColorScheme(page, scheme);
    await expectNoAxeViolations(page, `personal space (${scheme})`);
  }

  await csp.expectNone('the sign-in and personal space pages');
});
