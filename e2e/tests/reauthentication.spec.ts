// Recent re-authentication ("sudo mode", issue 19): a sensitive change whose session
// proved the password too long ago is answered 401 1012; the console asks for the
// password (and the second factor) in a modal dialog, then finishes the change. Keyboard
// only, French and English, axe on the open dialog. The servers here keep a sign-in's
// proof 3 seconds (`--reauthentication-secs`), so each test waits for it to lapse.

import type { Page } from '@playwright/test';
import { test, expect, signIn, DEMO_ACCOUNT, expectNoAxeViolations, setColorScheme } from '../fixtures';
import { startServer } from '../server.mjs';
import { demoKey, firstStep, MFA_TEXT, recordCalls, signedCall, totp, withSecurityKey } from './helpers';

const PROOF_SECS = 3;

const TEXT = {
  fr: {
    dialog: 'Confirmez votre identité', password: 'Mot de passe', confirm: 'Confirmer', cancel: 'Annuler',
    edit: 'Modifier', email: 'Adresse e-mail principale', city: 'Ville',
    saved: 'Vos informations personnelles sont mises à jour.', wrong: 'Mot de passe incorrect.',
    declined: "Modification non enregistrée : votre identité n'a pas été confirmée. Vos saisies sont conservées.",
  },
  en: {
    dialog: 'Confirm your identity', password: 'Password', confirm: 'Confirm', cancel: 'Cancel',
    edit: 'Edit', email: 'Main email address', city: 'City',
    saved: 'Your personal information is updated.', wrong: 'Incorrect password.',
    declined: 'Not saved: your identity was not confirmed. What you typed is kept.',
  },
};

/** A server whose proofs last `PROOF_SECS`, stopped when the test ends. */
async function shortProofServer() {
  const server = await startServer({ extraArgs: ['--reauthentication-secs', String(PROOF_SECS)] });
  test.info().setTimeout(90_000);
  return server;
}

/** Waits until the sign-in no longer counts as a recent proof. */
const proofLapses = (page: Page) => page.waitForTimeout(PROOF_SECS * 1000 + 300);

/** Replaces a field's value as a person would: focus, select all, type. */
async function typeInto(page: Page, field: ReturnType<Page['getByLabel']>, text: string) {
  await field.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

/** Opens the edit form with the keyboard and types a new sign-in email and a city. */
async function editEmail(page: Page, t: (typeof TEXT)['fr'], email: string, city: string) {
  await page.getByRole('button', { name: t.edit, exact: true }).focus();
  await page.keyboard.press('Enter');
  await typeInto(page, page.getByLabel(t.email), email);
  await typeInto(page, page.getByLabel(t.city), city);
  // Enter in a field submits the form (Sauvegarder).
  await page.keyboard.press('Enter');
}

for (const lang of ['fr', 'en'] as const) {
  const t = TEXT[lang];

  test(`changing the sign-in email asks for the password in a dialog, then saves (${lang}, keyboard only)`, async ({ page }) => {
    const server = await shortProofServer();
    try {
      await signIn(page, { ...DEMO_ACCOUNT, baseURL: server.baseURL, lang });
      await proofLapses(page);
      const calls = recordCalls(page);
      await editEmail(page, t, 'jean@example.com', 'Lyon');

      const dialog = page.getByRole('dialog', { name: t.dialog });
      await expect(dialog).toBeVisible();
      const password = dialog.getByLabel(t.password, { exact: true });
      await expect(password).toBeFocused();
      for (const scheme of ['light', 'dark'] as const) {
        await setColorScheme(page, scheme);
        await expectNoAxeViolations(page, `reauthentication dialog (${lang}, ${scheme})`);
      }

      // A wrong password is said in the dialog, which stays open.
      await page.keyboard.type('not the password');
      await page.keyboard.press('Enter');
      await expect(password).toHaveAccessibleDescription(t.wrong);
      await expect(dialog.getByRole('alert')).toHaveText(t.wrong);
      await expect(password).toBeFocused();
      await expectNoAxeViolations(page, `reauthentication dialog, wrong password (${lang})`);

      // The right one finishes the save the person started.
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(DEMO_ACCOUNT.password);
      await page.keyboard.press('Enter');
      await expect(dialog).toHaveCount(0);
      await expect(page.getByRole('status').filter({ hasText: t.saved })).toBeVisible();
      await expect(page.getByText('jean@example.com')).toBeVisible();
      await expect(page.getByText('Lyon')).toBeVisible();
      await expect(page.getByRole('button', { name: t.edit, exact: true })).toBeFocused();
      // The save, refused; the wrong password, the right one; the same save again.
      expect(calls.slice(0, 4)).toEqual(['UpdateAccount', 'CreateReauthentication', 'CreateReauthentication', 'UpdateAccount']);
    } finally {
      await server.stop();
    }
  });
}

test('cancelling the dialog keeps what was typed and says nothing was saved (en, keyboard only)', async ({ page }) => {
  const t = TEXT.en;
  const server = await shortProofServer();
  try {
    await signIn(page, { ...DEMO_ACCOUNT, baseURL: server.baseURL, lang: 'en' });
    await proofLapses(page);
    await editEmail(page, t, 'jean@example.com', 'Nantes');
    const dialog = page.getByRole('dialog', { name: t.dialog });
    // The person pressed Enter in City: the focus goes back there.
    const city = page.getByLabel(t.city);
    await expect(dialog.getByLabel(t.password, { exact: true })).toBeFocused();

    // Escape cancels: the form is as it was, the focus back where it was.
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(page.getByLabel(t.email)).toHaveValue('jean@example.com');
    await expect(city).toHaveValue('Nantes');
    await expect(page.getByRole('alert').filter({ hasText: t.declined })).toBeVisible();
    await expect(city).toBeFocused();

    // Again: Tab stays in the dialog (password, its show button, Confirm, Cancel), and
    // Cancel, reached with the keyboard, cancels too.
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel(t.password, { exact: true })).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(dialog.getByRole('button', { name: t.cancel })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(dialog.getByLabel(t.password, { exact: true })).toBeFocused();
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: t.cancel })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(page.getByLabel(t.email)).toHaveValue('jean@example.com');
    await expect(city).toBeFocused();

    // Enter in City once more: the dialog, the password, and the save goes through.
    await page.keyboard.press('Enter');
    await expect(dialog.getByLabel(t.password, { exact: true })).toBeFocused();
    await page.keyboard.type(DEMO_ACCOUNT.password);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: t.saved })).toBeVisible();
    await expect(page.getByText('jean@example.com')).toBeVisible();
    await expect(page.getByText('Nantes')).toBeVisible();
  } finally {
    await server.stop();
  }
});

test('new recovery codes with MFA on: the dialog asks for the password, then the code (fr, keyboard only)', async ({ page, request }) => {
  const server = await shortProofServer();
  try {
    const base = server.baseURL;
    // An authenticator app on the account, set up through the API (a code of the
    // previous step: each later code is accepted once, in order).
    const key = await demoKey(request, base);
    const created = await signedCall(request, base, key, 'CreateMfaDevice', {
      CurrentPassword: DEMO_ACCOUNT.password, Type: 'TOTP', Name: 'Téléphone',
    });
    const secret: string = created.Totp.Secret;
    await signedCall(request, base, key, 'ActivateMfaDevice', { MfaDeviceId: created.MfaDeviceId, Code: totp(secret, -1) });
    await firstStep(page, base, MFA_TEXT.fr);
    await page.getByLabel('Code de vérification').fill(totp(secret));
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.waitForURL(/\/personal-space/);
    await page.goto(`${base}/authentication-settings`);
    const section = page.getByRole('region', { name: 'Authentification multifacteur' });
    await expect(section.getByText('Codes de récupération inutilisés : 10.')).toBeVisible();
    await proofLapses(page);

    const calls = recordCalls(page);
    await section.getByRole('button', { name: 'Générer de nouveaux codes' }).focus();
    await page.keyboard.press('Enter');
    await expect(section.getByLabel('Mot de passe', { exact: true })).toBeFocused();
    await page.keyboard.type(DEMO_ACCOUNT.password);
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('dialog', { name: TEXT.fr.dialog });
    await expect(dialog.getByLabel('Mot de passe', { exact: true })).toBeFocused();
    await page.keyboard.type(DEMO_ACCOUNT.password);
    await page.keyboard.press('Enter');
    // The password was right: the second factor, as at a sign-in.
    await expect(dialog.getByRole('heading', { name: 'Vérification en deux étapes' })).toBeVisible();
    const code = dialog.getByLabel('Code de vérification');
    await expect(code).toBeFocused();
    await expectNoAxeViolations(page, 'reauthentication dialog, second factor (fr)');
    await page.keyboard.type('000000' === totp(secret, 1) ? '111111' : '000000');
    await page.keyboard.press('Enter');
    await expect(dialog.getByText('Code incorrect ou expiré. Saisissez le code affiché maintenant.')).toBeVisible();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(totp(secret, 1));
    await page.keyboard.press('Enter');

    await expect(dialog).toHaveCount(0);
    await expect(section.locator('ol.codes li')).toHaveCount(10);
    expect(calls.slice(0, 5)).toEqual([
      'CreateRecoveryCodes', 'CreateReauthentication', 'CreateReauthentication', 'CreateReauthentication', 'CreateRecoveryCodes',
    ]);
  } finally {
    await server.stop();
  }
});

test('with a security key, the dialog\'s second step uses the key, then saves (en, keyboard only)', async ({ page, request }) => {
  const t = TEXT.en;
  const server = await shortProofServer();
  try {
    // The demo account with a virtual security key, at an address WebAuthn accepts.
    const { base } = await withSecurityKey(page, request, server);
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await firstStep(page, base, MFA_TEXT.en);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/personal-space/);
    await proofLapses(page);

    const calls = recordCalls(page);
    await editEmail(page, t, 'jean@example.com', 'Nantes');
    const dialog = page.getByRole('dialog', { name: t.dialog });
    await expect(dialog.getByLabel(t.password, { exact: true })).toBeFocused();
    await page.keyboard.type(DEMO_ACCOUNT.password);
    await page.keyboard.press('Enter');
    // Only a key: the step offers it, with the challenge the password's answer brought.
    await expect(dialog.getByRole('heading', { name: MFA_TEXT.en.step })).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Use an authenticator app' })).toBeHidden();
    await expectNoAxeViolations(page, 'reauthentication dialog, security key (en)');
    await dialog.getByRole('button', { name: 'Verify' }).focus();
    await page.keyboard.press('Enter');

    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: t.saved })).toBeVisible();
    await expect(page.getByText('jean@example.com')).toBeVisible();
    expect(calls).toEqual(['UpdateAccount', 'CreateReauthentication', 'CreateReauthentication', 'UpdateAccount']);
  } finally {
    await server.stop();
  }
});
