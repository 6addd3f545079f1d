// Size budget of the built console: brotli (quality 11) of index.html and of every .js,
// .wasm and .css file under the dist folder. Prints one line per file and the total; exits
// non-zero when the total exceeds the budget or when there is no .wasm file.
// Usage: node e2e/size-budget.mjs [dist]   (scripts/size-budget runs it)

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const BUDGET_KB = 250;
const BUDGET_BYTES = BUDGET_KB * 1000;

const dist = process.argv[2] ?? 'dist';
try {
  if (!statSync(dist).isDirectory()) throw new Error('not a folder');
} catch {
  console.error(`size-budget: ${dist} is not a folder: build the console first (trunk build --release)`);
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

const kb = (/** @type {number} */ n) => (n / 1000).toFixed(1);
let total = 0;
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
  if (f.endsWith('.wasm')) wasm++;
  console.log(`${f.padEnd(width)}  ${String(raw.length).padStart(9)} B raw  ${String(br).padStart(8)} B brotli (${kb(br)} KB)`);
}

let failed = false;
if (!files.includes('index.html')) {
  console.error(`size-budget: ${dist} has no index.html`);
}
if (wasm === 0) {
  console.error(`size-budget: no .wasm file in ${dist}: is it a console build?`);
  failed = true;
}
if (total > BUDGET_BYTES) {
  console.error(`size-budget: over budget by ${kb(total - BUDGET_BYTES)} KB`);
  failed = true;
}
console.log(`total: ${kb(total)} KB brotli (budget ${BUDGET_KB} KB)`);
process.exit(failed ? 1 : 0);
