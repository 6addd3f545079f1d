// Playwright fixtures and helpers for the console's browser tests.
//
//   import { test, expect, signIn, DEMO_ACCOUNT, expectNoAxeViolations, collectCspViolations } from '../fixtures';
//
// - `server` (worker scope): one account API server per Playwright worker, on a fresh
//   temporary database, serving the built console (CONSOLE_DIST, default `dist`). The
//   `baseURL` option is wired to it, so `page.goto('/sign-in')` reaches it.
// - `freshServer` (test scope): a server of its own for a test that needs the accounts in
//   their first state (lockout, password change...). Its URL is `freshServer.baseURL`: open
//   pages with `page.goto(`${freshServer.baseURL}/...`)` or `signIn(page, { ..., baseURL })`.

import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { startServer, type Server as StartedServer } from './server.mjs';

export { expect };

/** A running account API server. */
export interface Server {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  baseURL: string;
  /** The temporary folder holding its database (`api.sqlite`); removed by stop(). */
  dbDir: string;
  /** Stops the server (SIGTERM, SIGKILL after 5 s). Safe to call twice. */
  stop(): Promise<void>;
  /** Everything the server printed so far. */
  output(): string;
}

/** The account every new database has. */
export const DEMO_ACCOUNT = {
  email: 'demo@example.com',
  password: 'Cockpit-Demo-2026!Saint-Cloud',
} as const;

function asServer(s: StartedServer): Server {
  return { baseURL: s.baseURL, dbDir: s.dbDir, stop: s.stop, output: s.output };
}

export const test = base.extend<{ freshServer: Server }, { server: Server }>({
  server: [
    async ({}, use, workerInfo) => {
      const s = await startServer();
      try {
        await use(asServer(s));
      } finally {
        await s.stop();
        if (process.env.E2E_SHOW_SERVER_OUTPUT) {
          console.log(`[worker ${workerInfo.workerIndex}] account-api output:\n${s.output()}`);
        }
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  baseURL: async ({ server }, use) => {
    await use(server.baseURL);
  },

  freshServer: async ({}, use, testInfo) => {
    const s = await startServer();
    try {
      await use(asServer(s));
    } finally {
      await s.stop();
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('fresh-server-output', { body: s.output(), contentType: 'text/plain' });
      }
    }
  },
});

// ---------------------------------------------------------------------------------------
// Signing in

type Lang = 'fr' | 'en';

const TEXT = {
  fr: {
    signIn: 'Connexion',
    email: 'Adresse e-mail',
    password: 'Mot de passe',
    submit: 'Se connecter',
    personalSpace: 'Espace personnel',
    /** The name of the header's button that switches the page to this language. */
    switchTo: 'Français',
  },
  en: {
    signIn: 'Sign in',
    email: 'Email address',
    password: 'Password',
    submit: 'Sign in',
    personalSpace: 'Personal Space',
    switchTo: 'English',
  },
} as const;

function either(key: keyof (typeof TEXT)['fr']): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(?:${esc(TEXT.fr[key])}|${esc(TEXT.en[key])})$`);
}

/**
 * The language the page is shown in, from its sign-in heading.
 */
async function signInLanguage(page: Page): Promise<Lang> {
  const heading = page.getByRole('heading', { level: 1, name: either('signIn') });
  await expect(heading).toBeVisible();
  return (await heading.innerText()).trim() === TEXT.fr.signIn ? 'fr' : 'en';
}

/**
 * Go to `/sign-in`, optionally switch the page to `lang` with the header's language button,
 * fill "Adresse e-mail"/"Email address" and "Mot de passe"/"Password", submit, and wait for
 * `/personal-space` and its heading.
 */
export async function signIn(
  page: Page,
  opts: { email: string; password: string; lang?: Lang; baseURL?: string },
): Promise<void> {
  await page.goto(opts.baseURL ? `${opts.baseURL}/sign-in` : '/sign-in');
  let lang = await signInLanguage(page);
  if (opts.lang && opts.lang !== lang) {
    // The header's switch is named after the language it switches to.
    await page.getByRole('button', { name: TEXT[opts.lang].switchTo, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: TEXT[opts.lang].signIn, exact: true })).toBeVisible();
    lang = opts.lang;
  }
  const t = TEXT[lang];
  await page.getByLabel(t.email, { exact: true }).fill(opts.email);
  await page.getByLabel(t.password, { exact: true }).fill(opts.password);
  await page.getByRole('button', { name: t.submit, exact: true }).click();
  await page.waitForURL(/\/personal-space(?:[?#].*)?$/);
  await expect(page.getByRole('heading', { level: 1, name: either('personalSpace') })).toBeVisible();
}

// ---------------------------------------------------------------------------------------
// Accessibility

/**
 * Switch the page to the light or dark colour scheme (`prefers-color-scheme`) and wait for
 * the CSS transitions it starts to end, so that axe sees the final colours.
 */
export async function setColorScheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const transitions = document.getAnimations().filter((a) => a instanceof CSSTransition);
    await Promise.race([
      Promise.all(transitions.map((a) => a.finished.catch(() => undefined))),
      new Promise((r) => setTimeout(r, 2_000)),
    ]);
  });
}

/** The WCAG 2.1 A and AA rules. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Run axe on the page as it is now and fail with one readable entry per violation
 * (rule, impact, help, and each offending node with axe's summary).
 */
export async function expectNoAxeViolations(
  page: Page,
  label: string,
  options: { exclude?: string[]; disableRules?: string[] } = {},
): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(AXE_TAGS);
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  if (options.disableRules?.length) builder = builder.disableRules(options.disableRules);
  const { violations } = await builder.analyze();
  if (violations.length === 0) return;

  const lines: string[] = [];
  for (const v of violations) {
    lines.push(`- ${v.id} [${v.impact ?? 'n/a'}]: ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes) {
      lines.push(`    at ${node.target.join(' ')}`);
      const html = node.html.length > 200 ? `${node.html.slice(0, 200)}…` : node.html;
      lines.push(`       ${html}`);
      for (const summaryLine of (node.failureSummary ?? '').split('\n')) {
        if (summaryLine.trim()) lines.push(`       ${summaryLine.trim()}`);
      }
    }
  }
  await test.info().attach(`axe-violations-${label}`, {
    body: JSON.stringify(violations, null, 2),
    contentType: 'application/json',
  });
  const message = `${violations.length} axe violation(s) on ${label} (${page.url()}):\n${lines.join('\n')}`;
  expect(violations.length, message).toBe(0);
}

// ---------------------------------------------------------------------------------------
// Content-Security-Policy

export interface CspViolations {
  /** One readable line per violation seen so far (event or console message). */
  readonly violations: string[];
  /** Let pending reports arrive, then fail if there was any violation. */
  expectNone(label?: string): Promise<void>;
}

const recorders = new WeakMap<Page, CspViolations>();

/**
 * Record every `securitypolicyviolation` event of every document the page loads from now
 * on, and every console message that mentions a Content Security Policy. Call it before
 * the first `page.goto`.
 */
export async function collectCspViolations(page: Page): Promise<CspViolations> {
  const existing = recorders.get(page);
  if (existing) return existing;
  const violations: string[] = [];
  await page.exposeBinding('__e2eCspViolation', (_source, line: string) => {
    violations.push(`event: ${line}`);
  });
  await page.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) => {
        const where = e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}` : '';
        const report = (window as unknown as { __e2eCspViolation?: (s: string) => void }).__e2eCspViolation;
        report?.(
          `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}${where} on ${e.documentURI} (${e.disposition})` +
            (e.sample ? ` sample: ${e.sample}` : ''),
        );
      },
      true,
    );
  });
  page.on('console', (msg) => {
    if (/content[- ]security[- ]policy/i.test(msg.text())) violations.push(`console ${msg.type()}: ${msg.text()}`);
  });
  const recorder: CspViolations = {
    violations,
    async expectNone(label = 'the page') {
      // Reports travel through the page's binding: give the pending ones a moment.
      if (!page.isClosed()) await page.evaluate(() => new Promise((r) => setTimeout(r, 50))).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
      expect(violations.length, `${violations.length} Content-Security-Policy violation(s) on ${label}:\n${violations.join("\n")}`).toBe(0);
    },
  };
  recorders.set(page, recorder);
  return recorder;
}
