// The README's screenshots: the five screens, in French, light and dark.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_ACCOUNT, expect, setColorScheme, signIn, test } from '../fixtures';

const here = path.dirname(fileURLToPath(import.meta.url));
const shot = (name: string) => path.resolve(here, '..', '..', 'docs', 'screenshots', `${name}.png`);

test('screenshots of the five screens for the README', async ({ page, freshServer }) => {
  await page.setViewportSize({ width: 1100, height: 760 });
  for (const scheme of ['light', 'dark'] as const) {
    await setColorScheme(page, scheme);
    await page.goto(`${freshServer.baseURL}/sign-in`);
    await expect(page.getByRole('heading', { level: 1, name: 'Connexion' })).toBeVisible();
    await page.screenshot({ path: shot(`sign-in-${scheme}`) });
  }
  await signIn(page, { ...DEMO_ACCOUNT, baseURL: freshServer.baseURL });
  for (const scheme of ['light', 'dark'] as const) {
    await setColorScheme(page, scheme);
    await page.goto(`${freshServer.baseURL}/personal-space`);
    await expect(page.getByText('Saint-Cloud')).toBeVisible();
    await page.getByRole('button', { name: /Menu du profil/ }).click();
    await page.screenshot({ path: shot(`personal-space-${scheme}`) });
    await page.keyboard.press('Escape');
    await page.goto(`${freshServer.baseURL}/authentication-settings`);
    await page.getByRole('button', { name: 'Modifier', exact: true }).click();
    await page.getByLabel('Mot de passe', { exact: true }).and(page.locator('input')).fill(DEMO_ACCOUNT.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('Blue-Harbour');
    await page.screenshot({ path: shot(`authentication-settings-${scheme}`), fullPage: true });
  }
  // Clés d'accès, a key just made: its secret shown once.
  await page.goto(`${freshServer.baseURL}/access-keys`);
  await page.getByRole('button', { name: 'Créer une access key' }).click();
  await page.getByLabel("Date d'expiration (facultative)").fill('2099-12-31');
  await page.getByRole('button', { name: 'Créer', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Votre nouvelle access key' })).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await setColorScheme(page, scheme);
    await page.screenshot({ path: shot(`access-keys-${scheme}`), fullPage: true });
  }
  // Utilisateurs EIM, with a user made for it and its keys open.
  await page.getByRole('button', { name: "J'ai enregistré la clé secrète" }).click();
  await page.goto(`${freshServer.baseURL}/eim-users`);
  await page.getByRole('button', { name: 'Créer un utilisateur' }).click();
  await page.getByLabel("Nom d'utilisateur").fill('ops-deploy');
  await page.getByLabel('Chemin').fill('/ops/');
  await page.getByLabel('Adresse e-mail (facultative)').fill('ops@example.com');
  await page.getByRole('button', { name: 'Créer', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Utilisateur ops-deploy créé.' })).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await setColorScheme(page, scheme);
    await page.screenshot({ path: shot(`eim-users-${scheme}`), fullPage: true });
  }
});
