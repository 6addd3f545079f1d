import { DEMO_ACCOUNT, expect, expectNoAxeViolations, signIn, test } from '../fixtures';

test('usable at 320 px: nothing scrolls sideways, the menu fits', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  const noSideScroll = async (where: string) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${where}: page width`).toBeLessThanOrEqual(320);
  };
  await page.goto('/sign-in');
  await noSideScroll('sign-in');
  await signIn(page, DEMO_ACCOUNT);
  await noSideScroll('personal space');
  await page.getByRole('button', { name: /Menu du profil/ }).click();
  const menu = await page.getByRole('menu').boundingBox();
  expect(menu!.x).toBeGreaterThanOrEqual(0);
  expect(menu!.x + menu!.width).toBeLessThanOrEqual(320);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Modifier', exact: true }).click();
  await noSideScroll('edit panel');
  await expectNoAxeViolations(page, 'edit panel at 320 px');
  await page.getByRole('button', { name: 'Annuler' }).click();
  await page.goto('/authentication-settings');
  await page.getByRole('button', { name: 'Modifier', exact: true }).click();
  await noSideScroll('authentication settings');
  // The authenticator app's QR code and setup key fit too (the factor is left pending).
  const mfa = page.getByRole('region', { name: 'Authentification multifacteur' });
  await mfa.getByRole('button', { name: "Configurer une application d'authentification" }).click();
  await mfa.getByLabel("Nom de l'appareil").fill('Téléphone');
  await mfa.getByLabel('Mot de passe', { exact: true }).fill(DEMO_ACCOUNT.password);
  await mfa.getByRole('button', { name: 'Continuer' }).click();
  await expect(mfa.getByRole('img', { name: 'Code QR de la clé de configuration' })).toBeVisible();
  await noSideScroll('authenticator app set-up');
  await mfa.getByRole('button', { name: 'Annuler' }).click();
});

test('the theme switch overrides the system and is remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/sign-in');
  const toggle = page.getByRole('button', { name: 'Thème sombre' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect(await background()).not.toBe(light);
  await expectNoAxeViolations(page, 'dark theme chosen on a light system');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Thème sombre' })).toHaveAttribute('aria-pressed', 'true');
  expect(await background()).not.toBe(light);
});
