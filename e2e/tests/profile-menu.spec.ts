import { DEMO_ACCOUNT, expect, expectNoAxeViolations, signIn, test } from '../fixtures';

test('the profile menu works with the keyboard and the mouse', async ({ page }) => {
  await signIn(page, DEMO_ACCOUNT);
  // The visible login is part of the name (WCAG 2.5.3, axe's label-content-name-mismatch).
  const button = page.getByRole('button', { name: 'Menu du profil demo@example.com', exact: true });
  const menu = page.getByRole('menu');
  await expect(button).toHaveAttribute('aria-expanded', 'false');

  // Enter opens it on the first item; arrows move and wrap; Escape closes and refocuses.
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(menu).toBeVisible();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('menuitem', { name: 'Espace personnel' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: "Paramètres d'authentification" })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: "Clés d'accès" })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Utilisateurs EIM' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Se déconnecter' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Espace personnel' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('menuitem', { name: 'Se déconnecter' })).toBeFocused();
  await expectNoAxeViolations(page, 'open profile menu');
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(button).toBeFocused();

  // Space and ↓ open it too; ↑ opens on the last item.
  await page.keyboard.press(' ');
  await expect(page.getByRole('menuitem', { name: 'Espace personnel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(button).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByRole('menuitem', { name: 'Se déconnecter' })).toBeFocused();
  await page.keyboard.press('Escape');

  // A click outside closes it and gives the focus back.
  await button.click();
  await expect(menu).toBeVisible();
  await page.getByRole('heading', { level: 1 }).click();
  await expect(menu).toBeHidden();
  await expect(button).toBeFocused();

  // Enter on an item goes there, and the focus moves to the new page's heading.
  await button.focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Espace personnel' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: "Paramètres d'authentification" })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/authentication-settings$/);
  await expect(page.getByRole('heading', { level: 1, name: "Paramètres d'authentification" })).toBeFocused();
});

test('Escape right after Enter closes the menu, twenty times in a row', async ({ page }) => {
  await signIn(page, DEMO_ACCOUNT);
  const button = page.getByRole('button', { name: /Menu du profil/ });
  const menu = page.getByRole('menu');
  await button.focus();
  for (let i = 0; i < 20; i++) {
    // Both keys in one go, before the menu's first item can take the focus.
    await page.keyboard.press('Enter', { delay: 0 });
    await page.keyboard.press('Escape', { delay: 0 });
    await expect(menu, `round ${i + 1}`).toBeHidden();
    await expect(button, `round ${i + 1}`).toBeFocused();
    await expect(button).toHaveAttribute('aria-expanded', 'false');
  }
  // And the menu still opens and works after that.
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menuitem', { name: 'Espace personnel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
});
