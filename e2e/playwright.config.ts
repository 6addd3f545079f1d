// Playwright configuration of the console's browser tests. Run them with `scripts/e2e`
// from the repository root (it installs the dependencies and prints `N passed, N failed`).
//
// Playwright cannot download its browsers here: the tests run Debian's Chromium.
// Each worker starts its own account API server (see fixtures.ts), so no webServer here.

import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results/artifacts',
  workers: 2,
  retries: 0,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: './test-results/results.json' }]],
  use: {
    browserName: 'chromium',
    // The console follows the browser's language first: the tests expect French by default.
    locale: 'fr-FR',
    colorScheme: 'light',
    screenshot: 'only-on-failure',
    trace: 'off',
    video: 'off',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
});
