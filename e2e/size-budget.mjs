// Size budget of the built console: brotli (quality 11) of index.html and of every .js,
// .wasm and .css file under the dist folder, in two figures:
// - first load: the files the browser needs to show the sign-in page (first-load.mjs:
//   index.html, what it links, the JS those import; e2e/tests/first-load.spec.ts checks
//   that Chromium fetches nothing else), budget 250 KB;
// - total: every file, the signed-in pages' module included, budget 320 KB.
// config.json (the deployment's own) and the favicon are in neither.
// Prints one line per file (marked `first` when it is part of the first load) and both
// figures; exits non-zero when one exceeds its budget or when there is no .wasm file.
// Usage: node e2e/size-budget.mjs [dist]   (scripts/size-budget runs it)

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

import { firstLoadFiles } from './first-load.mjs';

const BUDGET_KB = 320;
const FIRST_LOAD_BUDGET_KB = 250;

const dist = process.argv[2] ?? 'dist';
try {
  if (!statSync(dist).isDirectory()) throw new Error('not a folder');
} catch {
  console.error(`size-budget: ${dist} is not a folder: build the console first (scripts/build-console)`);
  process.exit(2);
}

/**
 * Every file under dir, as paths relative to dist.
 * @param {string} dir
 * @returns {string[]}
 */
function walk(dir) {
  /** @type {string[]} */
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile()) out.push(path.relative(dist, full));
  }
  return out;
}

const files = walk(dist)
  .filter((f) => f === 'index.html' || /\.(js|wasm|css)$/.test(f))
  .sort();

const first = new Set(firstLoadFiles(dist));
const kb = (/** @type {number} */ n) => (n / 1000).toFixed(1);
let total = 0;
let firstLoad = 0;
let wasm = 0;
const width = Math.max(10, ...files.map((f) => f.length));
for (const f of files) {
  const raw = readFileSync(path.join(dist, f));
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  }).length;
  total += br;
  if (first.has(f)) firstLoad += br;
  if (f.endsWith('.wasm')) wasm++;
  const mark = first.has(f) ? 'first' : '     ';
  console.log(`${f.padEnd(width)}  ${String(raw.length).padStart(9)} B raw  ${String(br).padStart(8)} B brotli (${kb(br)} KB)  ${mark}`);
}

let failed = false;
if (!files.includes('index.html')) {
  console.error(`size-budget: ${dist} has no index.html`);
  failed = true;
}
if (wasm === 0) {
  console.error(`size-budget: no .wasm file in ${dist}: is it a console build?`);
  failed = true;
}
if (firstLoad > FIRST_LOAD_BUDGET_KB * 1000) {
  console.error(`size-budget: first load over budget by ${kb(firstLoad - FIRST_LOAD_BUDGET_KB * 1000)} KB`);
  failed = true;
}
if (total > BUDGET_KB * 1000) {
  console.error(`size-budget: over budget by ${kb(total - BUDGET_KB * 1000)} KB`);
  failed = true;
}
console.log(`first load (sign-in page): ${kb(firstLoad)} KB brotli (budget ${FIRST_LOAD_BUDGET_KB} KB)`);
console.log(`total: ${kb(total)} KB brotli (budget ${BUDGET_KB} KB)`);
process.exit(failed ? 1 : 0);
