// Espace personnel's fields as a person meets them (issue 24): Retirer beside the address
// it removes, Pays from a list in the reader's language, the phone's international form
// said before typing, the VAT number and postal code checked against the country, an
// empty value shown as "—" without Copier, and a tab title per page. French and
// English, keyboard only, at 320 px and 1280 px, on this API and on the OUTSCALE stand-in.
import type { Page } from '@playwright/test';
import { DEMO_ACCOUNT, expect, expectNoAxeViolations, signIn, test } from '../fixtures';
import { demoKey } from './helpers';
import { signInWithKeyOnOutscale, useOutscaleStandIn } from './outscale-stand-in';

const TEXT = {
  fr: {
    title: 'Espace personnel · Console de compte OUTSCALE',
    authTitle: 'Paramètres d\'authentification · Console de compte OUTSCALE',
    edit: 'Modifier', save: 'Sauvegarder', country: 'Pays', vat: 'Numéro de TVA', zip: 'Code postal',
    mobile: 'Téléphone mobile', germany: 'Allemagne', notInList: 'Choisissez un pays de la liste.',
    phoneHint: /Format international, par exemple \+33 1 23 45 67 89/,
    phoneError: /format international attendu/, vatError: /ne suit pas le format du pays choisi, par exemple FR12345678901/,
    zipError: /Ce code postal ne suit pas le format/, removeFirst: 'Retirer factures@example.com',
    saved: 'Vos informations personnelles sont mises à jour.',
  },
  en: {
    title: 'Personal Space · OUTSCALE account console',
    authTitle: 'Authentication Settings · OUTSCALE account console',
    edit: 'Edit', save: 'Save', country: 'Country', vat: 'VAT number', zip: 'ZIP code',
    mobile: 'Mobile phone number', germany: 'Germany', notInList: 'Choose a country from the list.',
    phoneHint: /International form, for example \+33 1 23 45 67 89/,
    phoneError: /Use the international form/, vatError: /does not follow the chosen country's format, for example FR12345678901/,
    zipError: /This postal code does not follow/, removeFirst: 'Remove factures@example.com',
    saved: 'Your personal information is updated.',
  },
} as const;

/** Focuses `label`'s input by keyboard-free means only to start, then types into it. */
async function typeInto(page: Page, label: string, text: string) {
  const input = page.getByLabel(label, { exact: true });
  await input.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  if (text) await page.keyboard.type(text);
  return input;
}

for (const lang of ['fr', 'en'] as const) {
  const t = TEXT[lang];
  for (const width of [320, 1280]) {
    test(`the fields help as one types (${lang}, ${width} px, keyboard only)`, async ({ page, freshServer }) => {
      await page.setViewportSize({ width, height: 900 });
      await signIn(page, { ...DEMO_ACCOUNT, baseURL: freshServer.baseURL, lang });
      await expect(page).toHaveTitle(t.title);
      await expect(page.getByText('France', { exact: true })).toBeVisible();
      await page.getByRole('button', { name: t.edit, exact: true }).focus();
      await page.keyboard.press('Enter');

      // Retirer sits right after its address, or below it when the line is too narrow.
      const first = page.locator('#field-AdditionalEmails-0');
      const remove = page.getByRole('button', { name: t.removeFirst, exact: true });
      const input = (await first.boundingBox())!;
      const button = (await remove.boundingBox())!;
      if (width >= 1280) {
        expect(button.x - (input.x + input.width)).toBeGreaterThanOrEqual(0);
        expect(button.x - (input.x + input.width)).toBeLessThan(24);
        expect(Math.abs(button.y + button.height - (input.y + input.height))).toBeLessThan(12);
      } else {
        expect(button.y).toBeGreaterThanOrEqual(input.y + input.height);
        expect(button.x + button.width).toBeLessThanOrEqual(width);
      }

      // The phone's expected form is said before anything is typed, and checked as typed.
      const mobile = page.getByLabel(t.mobile, { exact: true });
      await expect(mobile).toHaveAccessibleDescription(t.phoneHint);
      await typeInto(page, t.mobile, '06 12 34 56 78');
      await expect(mobile).toHaveAccessibleDescription(t.phoneError);
      await expect(page.getByRole('button', { name: t.save })).toBeDisabled();
      await typeInto(page, t.mobile, '+33 6 12 34 56 78');
      await expect(mobile).not.toHaveAttribute('aria-invalid', 'true');

      // The VAT number and postal code follow France's formats, with an example.
      const vat = await typeInto(page, t.vat, 'FR123');
      await expect(vat).toHaveAccessibleDescription(t.vatError);
      await expect(vat).toHaveAttribute('aria-invalid', 'true');
      const zip = await typeInto(page, t.zip, '7500');
      await expect(zip).toHaveAccessibleDescription(t.zipError);
      await expectNoAxeViolations(page, `fields with format errors (${lang}, ${width})`);

      // Pays: a name out of the list is refused; one from it is stored in English.
      const country = page.getByLabel(t.country, { exact: true });
      await expect(country).toHaveAttribute('list', 'countries');
      await expect(page.locator('#countries option')).toHaveCount(249);
      await expect(page.locator(`#countries option[value="${t.germany}"]`)).toHaveCount(1);
      await typeInto(page, t.country, 'Gaule');
      await expect(country).toHaveAccessibleDescription(new RegExp(t.notInList.replace('.', '\\.')));
      await typeInto(page, t.country, t.germany);
      await expect(country).toHaveValue(t.germany);
      // Germany's formats now: the postal code 75001 would pass, FR123 still does not.
      await typeInto(page, t.zip, '10115');
      await typeInto(page, t.vat, 'DE123456789');
      await expect(page.getByRole('button', { name: t.save })).toBeEnabled();
      const sent = page.waitForRequest((r) => r.url().endsWith('/api/v1/UpdateAccount'));
      await page.getByRole('button', { name: t.save }).focus();
      await page.keyboard.press('Enter');
      const body = JSON.parse((await sent).postData()!);
      expect(body).toEqual({ Country: 'Germany', MobileNumber: '+33 6 12 34 56 78', VatNumber: 'DE123456789', ZipCode: '10115' });
      await expect(page.getByRole('status').filter({ hasText: t.saved })).toBeVisible();
      await expect(page.getByText(t.germany, { exact: true })).toBeVisible();

      // Another page, another tab title.
      await page.goto(`${freshServer.baseURL}/authentication-settings`);
      await expect(page).toHaveTitle(t.authTitle);
    });
  }
}

test('a country without a known format blocks no VAT number', async ({ page, freshServer }) => {
  await signIn(page, { ...DEMO_ACCOUNT, baseURL: freshServer.baseURL });
  await page.getByRole('button', { name: 'Modifier', exact: true }).click();
  await typeInto(page, 'Pays', 'Royaume-Uni');
  const vat = await typeInto(page, 'Numéro de TVA', 'GB 123 4567 89');
  await expect(vat).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Sauvegarder' })).toBeEnabled();
});

test.describe('on OUTSCALE through the proxy', () => {
  const outscale = useOutscaleStandIn();

  test('an empty ID shows "—" without Copier; a country out of the list is kept as it is', async ({ page, request }) => {
    // OUTSCALE's mock answers an empty AccountId, and its accounts may hold any country.
    await page.route('**/outscale/eu-west-2/api/v1/ReadAccounts', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      for (const a of body.Accounts ?? []) {
        a.AccountId = '';
        a.Country = 'Gaule';
      }
      await route.fulfill({ response, json: body });
    });
    const key = await demoKey(request, outscale.api.baseURL);
    await page.goto(`${outscale.nginx.baseURL}/sign-in`);
    await signInWithKeyOnOutscale(page, key);
    await expect(page).toHaveTitle(TEXT.fr.title);

    const row = page.locator('.row').filter({ has: page.getByText('ID du compte') });
    await expect(row.locator('dd')).toHaveText('—Non renseigné');
    await expect(row.getByRole('button')).toHaveCount(0);
    await expect(page.getByText('Gaule', { exact: true })).toBeVisible();
    await expectNoAxeViolations(page, 'OUTSCALE account with empty values');

    // The unknown country is shown as it is and not sent unless changed.
    await page.getByRole('button', { name: 'Modifier', exact: true }).click();
    await expect(page.getByLabel('Pays', { exact: true })).toHaveValue('Gaule');
    await typeInto(page, 'Ville', 'Lyon');
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/v1/UpdateAccount'));
    await page.getByRole('button', { name: 'Sauvegarder' }).click();
    expect(JSON.parse((await sent).postData()!)).toEqual({ City: 'Lyon' });
  });
});
