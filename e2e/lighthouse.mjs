// Lighthouse audit of the signed-in console: starts its own account API server (fresh
// database, serving the built console), signs in with the demo account through the UI in
// Debian's Chromium (puppeteer-core), then runs a Lighthouse user-flow navigation of
// /personal-space with the desktop preset, keeping storage so that the session (kept in
// sessionStorage) survives. Prints the four category scores, one per line
// (`performance: 98`), and exits 1 when a target is missed, 2 when the audit cannot run.
// Writes the HTML report to e2e/test-results/lighthouse.html (and the JSON result beside it).
// Usage: node e2e/lighthouse.mjs   (scripts/lighthouse runs it)

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { desktopConfig, startFlow } from 'lighthouse';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { repoRoot, startServer } from './server.mjs';

const DEMO = { email: 'demo@example.com', password: 'Cockpit-Demo-2026!Saint-Cloud' };
const LABELS = {
  email: ['Adresse e-mail', 'Email address'],
  password: ['Mot de passe', 'Password'],
  submit: ['Se connecter', 'Sign in'],
  personalSpace: ['Espace personnel', 'Personal Space'],
};
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
/** Minimum scores (0-100); seo has none. */
const TARGETS = { performance: 95, accessibility: 100, 'best-practices': 100 };
const OUT_DIR = path.join(repoRoot, 'e2e', 'test-results');
const REPORT = path.join(OUT_DIR, 'lighthouse.html');
const RESULT = path.join(OUT_DIR, 'lighthouse.json');

const LIGHTHOUSE_CHROMIUM_ARGS = [...CHROMIUM_ARGS, '--lang=fr-FR'];

/**
 * The form control whose <label> (or aria-label) reads one of names.
 * @param {import('puppeteer-core').Page} page
 * @param {string[]} names
 */
async function fieldByLabel(page, names) {
  const handle = await page.waitForFunction(
    (names) => {
      const norm = (/** @type {string | null} */ s) => (s ?? '').replace(/\s+/g, ' ').trim();
      for (const label of document.querySelectorAll('label')) {
        if (names.includes(norm(label.textContent)) && label.control) return label.control;
      }
      for (const el of document.querySelectorAll('[aria-label]')) {
        if (names.includes(norm(el.getAttribute('aria-label'))) && el.matches('input, textarea, select')) return el;
      }
      return null;
    },
    { timeout: 20_000 },
    names,
  );
  const el = handle.asElement();
  if (!el) throw new Error(`no field labelled ${names.join(' / ')}`);
  return /** @type {import('puppeteer-core').ElementHandle<Element>} */ (el);
}

/**
 * @param {import('puppeteer-core').Page} page
 * @param {string[]} names
 */
async function buttonNamed(page, names) {
  const handle = await page.waitForFunction(
    (names) =>
      [...document.querySelectorAll('button, input[type=submit]')].find((b) =>
        names.includes(((b instanceof HTMLInputElement ? b.value : b.textContent) ?? '').replace(/\s+/g, ' ').trim()),
      ) ?? null,
    { timeout: 20_000 },
    names,
  );
  const el = handle.asElement();
  if (!el) throw new Error(`no button named ${names.join(' / ')}`);
  return /** @type {import('puppeteer-core').ElementHandle<Element>} */ (el);
}

/**
 * Wait until the page shows /personal-space with its <h1>.
 * @param {import('puppeteer-core').Page} page
 * @param {number} timeout
 */
async function waitForPersonalSpace(page, timeout) {
  await page.waitForFunction(
    (names) =>
      location.pathname === '/personal-space' &&
      [...document.querySelectorAll('h1')].some((h) => names.includes((h.textContent ?? '').replace(/\s+/g, ' ').trim())),
    { timeout },
    LABELS.personalSpace,
  );
}

async function main() {
  const server = await startServer();
  /** @type {import('puppeteer-core').Browser | undefined} */
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: LIGHTHOUSE_CHROMIUM_ARGS,
      defaultViewport: null,
    });
    const page = await browser.newPage();

    // Sign in through the UI, as a person would.
    await page.goto(`${server.baseURL}/sign-in`, { waitUntil: 'load' });
    await (await fieldByLabel(page, LABELS.email)).type(DEMO.email);
    await (await fieldByLabel(page, LABELS.password)).type(DEMO.password);
    await (await buttonNamed(page, LABELS.submit)).click();
    await waitForPersonalSpace(page, 20_000);

    // Audit a load of /personal-space in the same tab, storage kept: the session survives.
    const url = `${server.baseURL}/personal-space`;
    const flow = await startFlow(page, { name: 'Console, signed in', config: desktopConfig, flags: { logLevel: 'error' } });
    await flow.navigate(url, { name: 'Personal space', disableStorageReset: true });
    // Make sure what was audited is the signed-in page, not a redirect to /sign-in.
    await waitForPersonalSpace(page, 10_000).catch(() => {
      throw new Error(`after the audited load the page is ${page.url()}, not the personal space: the session did not survive`);
    });

    const flowResult = await flow.createFlowResult();
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(REPORT, await flow.generateReport());
    writeFileSync(RESULT, JSON.stringify(flowResult, null, 2));
    const lhr = flowResult.steps[flowResult.steps.length - 1].lhr;
    if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    if (!new URL(lhr.finalDisplayedUrl).pathname.startsWith('/personal-space')) {
      throw new Error(`Lighthouse audited ${lhr.finalDisplayedUrl}, not /personal-space`);
    }
    for (const w of lhr.runWarnings ?? []) console.error(`lighthouse: warning: ${w}`);

    /** @type {Record<string, number | null>} */
    const scores = {};
    for (const id of CATEGORIES) {
      const s = lhr.categories[id]?.score;
      scores[id] = typeof s === 'number' ? Math.round(s * 100) : null;
      console.log(`${id}: ${scores[id] ?? 'n/a'}`);
    }
    console.error(`lighthouse: report written to ${path.relative(process.cwd(), REPORT) || REPORT}`);

    const missed = [];
    for (const [id, min] of Object.entries(TARGETS)) {
      const s = scores[id];
      if (s === null || s < min) missed.push(`${id} ${s ?? 'n/a'} < ${min}`);
    }
    if (missed.length) {
      for (const id of Object.keys(TARGETS)) {
        if (scores[id] !== null && scores[id] < 100) {
          const failing = lhr.categories[id].auditRefs
            .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id].score ?? 1) < 1)
            .map((ref) => `${ref.id} (${lhr.audits[ref.id].displayValue || Math.round((lhr.audits[ref.id].score ?? 0) * 100)})`);
          if (failing.length) console.error(`lighthouse: ${id}: below the maximum: ${failing.join(', ')}`);
        }
      }
      console.log(`missed targets: ${missed.join('; ')}`);
      return 1;
    }
    console.log('all targets met (performance >= 95, accessibility = 100, best-practices = 100)');
    return 0;
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`lighthouse: ${e instanceof Error ? e.message : e}`);
    process.exit(2);
  },
);
