// Which files of a console build the browser needs to show the sign-in page: index.html,
// what it links (CSS, boot.js, the main JS and wasm, their preloads), and the JS modules
// those import statically, followed to the end. Nothing else is fetched before the
// sign-in page is shown: the signed-in pages' wasm (tools/package-console.mjs) is
// fetched by a dynamic loader, later. e2e/tests/first-load.spec.ts checks this list
// against what Chromium fetches. Shared by size-budget.mjs and that test.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The files (relative to dist) an HTML or JS file names as its own, same folder. */
function referenced(/** @type {string} */ dist, /** @type {string} */ file) {
  const text = readFileSync(path.join(dist, file), 'utf8');
  const patterns = file.endsWith('.html')
    // href=, src=, data-js=, data-wasm= (quoted or not, as Trunk's minifier leaves them).
    ? [/(?:href|src|data-js|data-wasm)=["']?\/?([\w.-]+)["'\s>]/g]
    // Static imports only: `import … from "./x.js"` and `import "./x.js"`.
    : [/\bfrom\s*["']\.\/([\w.-]+)["']/g, /\bimport\s*["']\.\/([\w.-]+)["']/g];
  const found = new Set();
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      if (existsSync(path.join(dist, match[1]))) found.add(match[1]);
    }
  }
  return [...found];
}

/**
 * Every file the sign-in page needs, index.html first.
 * @param {string} dist
 * @returns {string[]}
 */
export function firstLoadFiles(dist) {
  const seen = new Set(['index.html']);
  const queue = ['index.html'];
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.shift());
    if (!/\.(html|js)$/.test(file)) continue;
    for (const next of referenced(dist, file)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return [...seen];
}
