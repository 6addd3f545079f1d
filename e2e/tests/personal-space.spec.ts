import { DEMO_ACCOUNT, expect, expectNoAxeViolations, setColorScheme, signIn, test } from '../fixtures';
import { createAccount } from './helpers';

test.describe('Espace personnel', () => {
  test('shows the account, edits it and saves only what changed', async ({ page, freshServer }) => {
    await signIn(page, { ...DEMO_ACCOUNT, baseURL: freshServer.baseURL });
    await expect(page.getByText('Saint-Cloud')).toBeVisible();
    await expect(page.getByText('factures@example.com')).toBeVisible();
    await expect(page.getByText(/^\d{12}$/)).toBeVisible();
    for (const scheme of ['light', 'dark'] as const) {
      await setColorScheme(page, scheme);
      await expectNoAxeViolations(page, `personal space (${scheme})`);
    }

    await page.getByRole('button', { name: 'Modifier', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Modifier les informations personnelles' })).toBeVisible();
    const save = page.getByRole('button', { name: 'Sauvegarder' });
    await expect(save).toBeDisabled();
    // The IDs are read-only and look it.
    await expect(page.getByLabel(/ID du compte/)).toHaveAttribute('readonly', '');
    // Inputs have the right types and autocomplete tokens.
    await expect(page.getByLabel('Adresse e-mail principale')).toHaveAttribute('type', 'email');
    await expect(page.getByLabel('Adresse e-mail principale')).toHaveAttribute('autocomplete', 'email');
    await expect(page.getByLabel('Téléphone mobile')).toHaveAttribute('type', 'tel');
    await expect(page.getByLabel('Prénom')).toHaveAttribute('autocomplete', 'given-name');
    for (const scheme of ['light', 'dark'] as const) {
      await setColorScheme(page, scheme);
      await expectNoAxeViolations(page, `edit panel (${scheme})`);
    }

    await page.getByLabel('Ville').fill('Lyon');
    await page.getByRole('button', { name: 'Ajouter une adresse e-mail' }).click();
    await page.getByLabel('Adresse supplémentaire 2', { exact: true }).fill('ops@example.com');
    await expect(save).toBeEnabled();
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/v1/UpdateAccount'));
    await save.click();
    const body = JSON.parse((await sent).postData()!);
    expect(body).toEqual({ AdditionalEmails: ['factures@example.com', 'ops@example.com'], City: 'Lyon' });
    await expect(page.getByRole('status').filter({ hasText: 'Vos informations personnelles sont mises à jour.' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Modifier', exact: true })).toBeFocused();
    await expect(page.getByText('Lyon')).toBeVisible();
    await expect(page.getByText('ops@example.com')).toBeVisible();
    await expectNoAxeViolations(page, 'after saving');

    // Still there after a reload: the API kept it.
    await page.reload();
    await expect(page.getByText('Lyon')).toBeVisible();

    // Annuler discards.
    await page.getByRole('button', { name: 'Modifier', exact: true }).click();
    await page.getByLabel('Ville').fill('Marseille');
    await page.getByRole('button', { name: 'Annuler' }).click();
    await expect(page.getByText('Lyon')).toBeVisible();
    await expect(page.getByText('Marseille')).toHaveCount(0);
  });

  test('invalid input is flagged and cannot be saved; an email taken elsewhere comes back from the API', async ({ page, freshServer }) => {
    createAccount(freshServer, 'other@example.com', 'Another-Strong-Passw0rd!');
    await signIn(page, { ...DEMO_ACCOUNT, baseURL: freshServer.baseURL });
    await page.getByRole('button', { name: 'Modifier', exact: true }).click();
    const email = page.getByLabel('Adresse e-mail principale');
    await email.fill('not-an-email');
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('Adresse e-mail invalide.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sauvegarder' })).toBeDisabled();
    await expectNoAxeViolations(page, 'edit panel with an invalid field');

    await email.fill('other@example.com');
    await page.getByLabel('Ville').fill('Nantes');
    await page.getByRole('button', { name: 'Sauvegarder' }).click();
    await expect(page.getByText('Cette adresse est déjà utilisée par un autre compte.')).toBeVisible();
    await expect(email).toBeFocused();
    await expect(page.getByLabel('Ville')).toHaveValue('Nantes');
    await expect(page.getByText('Vos informations personnelles sont mises à jour.')).toHaveCount(0);
  });

  test('a network failure or a server error keeps every edit', async ({ page }) => {
    await signIn(page, DEMO_ACCOUNT);
    await page.getByRole('button', { name: 'Modifier', exact: true }).click();
    await page.getByLabel('Fonction').fill('Directrice technique');
    await page.route('**/api/v1/UpdateAccount', (route) => route.abort('connectionreset'));
    await page.getByRole('button', { name: 'Sauvegarder' }).click();
    await expect(page.getByRole('alert')).toContainText("Impossible d'enregistrer : l'API ne répond pas.");
    await expect(page.getByLabel('Fonction')).toHaveValue('Directrice technique');

    await page.unroute('**/api/v1/UpdateAccount');
    let calls = 0;
    await page.route('**/api/v1/UpdateAccount', (route) => {
      calls++;
      return route.fulfill({ status: 503, body: '<html>upstream down</html>', contentType: 'text/html' });
    });
    await page.getByRole('button', { name: 'Sauvegarder' }).click();
    await expect(page.getByRole('alert')).toContainText('le serveur a rencontré une erreur (503)');
    await expect(page.getByLabel('Fonction')).toHaveValue('Directrice technique');
    expect(calls).toBe(1);
    await expect(page.getByText('Vos informations personnelles sont mises à jour.')).toHaveCount(0);

    // A second submit while saving (the button is disabled; Enter in a field still
    // submits the form) sends nothing.
    await page.unroute('**/api/v1/UpdateAccount');
    let sent = 0;
    await page.route('**/api/v1/UpdateAccount', async (route) => {
      sent++;
      await new Promise((r) => setTimeout(r, 500));
      await route.continue();
    });
    const save = page.getByRole('button', { name: 'Sauvegarder' });
    await save.click();
    await expect(page.getByRole('button', { name: 'Enregistrement…' })).toBeDisabled();
    await page.getByLabel('Fonction').press('Enter');
    await expect(page.getByText('Vos informations personnelles sont mises à jour.')).toBeVisible();
    expect(sent).toBe(1);
  });

  test('leaving with unsaved changes asks first', async ({ page }) => {
    await signIn(page, DEMO_ACCOUNT);
    // A page to go Back to.
    await page.getByRole('button', { name: /Menu du profil/ }).click();
    await page.getByRole('menuitem', { name: "Paramètres d'authentification" }).click();
    await page.getByRole('button', { name: /Menu du profil/ }).click();
    await page.getByRole('menuitem', { name: 'Espace personnel' }).click();
    await expect(page).toHaveURL(/\/personal-space$/);
    await page.getByRole('button', { name: 'Modifier', exact: true }).click();
    await page.getByLabel('Pays').fill('Belgique');

    // Route change through the menu: dismissing stays, accepting leaves.
    page.once('dialog', (d) => {
      expect(d.message()).toBe('Vos modifications ne sont pas enregistrées. Quitter quand même ?');
      return d.dismiss();
    });
    await page.getByRole('button', { name: /Menu du profil/ }).click();
    await page.getByRole('menuitem', { name: "Paramètres d'authentification" }).click();
    await expect(page).toHaveURL(/\/personal-space$/);
    await expect(page.getByLabel('Pays')).toHaveValue('Belgique');

    // Reload: the browser's own prompt.
    let beforeUnload = false;
    page.once('dialog', (d) => {
      beforeUnload = d.type() === 'beforeunload';
      return d.dismiss();
    });
    await page.reload({ timeout: 2_000 }).catch(() => undefined);
    expect(beforeUnload).toBe(true);
    await expect(page.getByLabel('Pays')).toHaveValue('Belgique');

    // The browser's Back button: dismissing stays, with the edit; accepting goes back.
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      return d.dismiss();
    });
    await page.goBack({ timeout: 2_000 }).catch(() => undefined);
    await expect.poll(() => asked).toBe('Vos modifications ne sont pas enregistrées. Quitter quand même ?');
    await expect(page).toHaveURL(/\/personal-space$/);
    await expect(page.getByLabel('Pays')).toHaveValue('Belgique');
    page.once('dialog', (d) => d.accept());
    await page.goBack({ timeout: 2_000 }).catch(() => undefined);
    await expect(page).toHaveURL(/\/authentication-settings$/);
    await expect(page.getByRole('heading', { level: 1, name: "Paramètres d'authentification" })).toBeVisible();
  });

  test('in English', async ({ page }) => {
    await signIn(page, { ...DEMO_ACCOUNT, lang: 'en' });
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('City').fill('London');
    // Switching language keeps the edit.
    await page.getByRole('button', { name: 'Français', exact: true }).click();
    await expect(page.getByLabel('Ville')).toHaveValue('London');
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Your personal information is updated.')).toBeVisible();
    for (const scheme of ['light', 'dark'] as const) {
      await setColorScheme(page, scheme);
      await expectNoAxeViolations(page, `personal space in English (${scheme})`);
    }
  });
});
