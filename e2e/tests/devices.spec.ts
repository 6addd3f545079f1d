// Sessions as devices (issue 11): two browsers with different user agents sign in to one
// account; each sees the other by its browser and system; "Déconnecter" on one device ends
// exactly that session, which returns to sign-in at its next call.
import { DEMO_ACCOUNT, expect, expectNoAxeViolations, signIn, test } from '../fixtures';

const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const CHROME_ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

test('each session is a device, and "Déconnecter" ends exactly that one', async ({ browser, freshServer }) => {
  const baseURL = freshServer.baseURL;
  const laptop = await (await browser.newContext({ userAgent: FIREFOX_LINUX })).newPage();
  const phone = await (await browser.newContext({ userAgent: CHROME_ANDROID, viewport: { width: 390, height: 844 } })).newPage();
  const desktop = await (await browser.newContext()).newPage();
  await signIn(laptop, { ...DEMO_ACCOUNT, baseURL });
  await signIn(phone, { ...DEMO_ACCOUNT, baseURL, lang: 'en' });
  await signIn(desktop, { ...DEMO_ACCOUNT, baseURL });

  // From the laptop: this session first, marked; the phone with its browser and system.
  await laptop.goto(`${baseURL}/authentication-settings`);
  const devices = laptop.getByRole('region', { name: 'Sessions de la console' }).getByRole('listitem');
  await expect(devices).toHaveCount(3);
  await expect(devices.first()).toContainText('Firefox sur Linux');
  await expect(devices.first()).toContainText('Cette session');
  await expect(devices.first()).toContainText('Adresse IP 127.0.0.1');
  await expect(devices.first()).toContainText('dernière activité le');
  await expect(devices.first().getByRole('button')).toHaveCount(0);
  const phoneRow = devices.filter({ hasText: 'Chrome sur Android' });
  await expect(phoneRow).toHaveCount(1);
  await expectNoAxeViolations(laptop, 'sessions as devices');

  // From the phone, in English: itself current, the laptop another device.
  await phone.goto(`${baseURL}/authentication-settings`);
  const seenFromPhone = phone.getByRole('region', { name: 'Console sessions' }).getByRole('listitem');
  await expect(seenFromPhone.first()).toContainText('Chrome on Android');
  await expect(seenFromPhone.first()).toContainText('This session');
  await expect(seenFromPhone.filter({ hasText: 'Firefox on Linux' })).toHaveCount(1);

  // The laptop signs the phone out: the button is named by its device too.
  const signOutPhone = phoneRow.getByRole('button', { name: 'Déconnecter', exact: true });
  await expect(signOutPhone).toHaveAccessibleDescription('Chrome sur Android');
  await signOutPhone.click();
  await expect(laptop.getByRole('status').filter({ hasText: 'La session a été déconnectée.' })).toBeVisible();
  await expect(laptop.getByRole('heading', { level: 2, name: 'Sessions de la console' })).toBeFocused();
  await expect(devices).toHaveCount(2);
  await expect(devices.filter({ hasText: 'Chrome sur Android' })).toHaveCount(0);

  // Its next call returns the phone to sign-in; the third device is still signed in.
  await phone.getByRole('button', { name: /Profile menu/ }).click();
  await phone.getByRole('menuitem', { name: 'Personal space' }).click();
  await expect(phone.getByText('Your session has expired. Sign in again to continue.')).toBeVisible();
  await desktop.reload();
  await expect(desktop.getByRole('heading', { level: 1, name: 'Espace personnel' })).toBeVisible();

  // "Déconnecter les autres sessions" ends the rest.
  await laptop.getByRole('button', { name: 'Déconnecter les autres sessions' }).click();
  await expect(laptop.getByText('1 autre session a été déconnectée.')).toBeVisible();
  await expect(laptop.getByText('Aucune autre session ouverte.')).toBeVisible();
  await desktop.reload();
  await expect(desktop.getByText('Votre session a expiré. Reconnectez-vous pour continuer.')).toBeVisible();
  await expect(devices).toHaveCount(1);
});
