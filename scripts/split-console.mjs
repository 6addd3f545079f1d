// Splits the console's release build in two (scripts/build-console runs it after
// `trunk build --release`): what the sign-in page needs, loaded first, and the
// signed-in pages (src/signed_in.rs), loaded after sign-in.
//
// Trunk 0.21 cannot split a wasm (trunk-rs/trunk#1022), so this redoes its last
// steps from the wasm cargo linked (with --emit-relocs, which the split needs):
//   1. wasm-split-cli (crate wasm_split_cli_support): the main module, the
//      signed-in module and `__wasm_split.js`, which fetches the latter on demand;
//   2. wasm-bindgen on the main module, as Trunk does, keeping the exports the
//      signed-in module links to (--keep-lld-exports);
//   3. wasm-opt on both modules with index.html's level and flags (one place for them),
//      but --gufa: it infers what flows into the main module's functions from the main
//      module alone, and the signed-in module's calls into it then trap (measured);
//   4. file names after their content, as Trunk names its own (the deployment's
//      cache rules rely on it, deploy/nginx.conf), and index.html pointed at them,
//      its integrity hashes included. Trunk's unsplit files are removed from dist.
// Usage: node scripts/split-console.mjs <cargo wasm> <dist> <index.html Trunk built from>

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const [cargoWasm, dist, source] = process.argv.slice(2);
if (!cargoWasm || !dist || !source) {
  console.error('usage: node scripts/split-console.mjs <cargo wasm> <dist> <index.html Trunk built from>');
  process.exit(2);
}
const NAME = 'osc-console';
// The module the split wasm imports its loaders from (wasm-split-cli's default).
const LINK = './__wasm_split.js';

const fail = (/** @type {string} */ message) => {
  console.error(`split-console: ${message}`);
  process.exit(1);
};
const run = (/** @type {string} */ tool, /** @type {string[]} */ args) => {
  execFileSync(tool, args, { stdio: ['ignore', 'inherit', 'inherit'] });
};
/** Replaces `from` (which must appear exactly once) in `text`. */
const replaceOnce = (/** @type {string} */ text, /** @type {string} */ from, /** @type {string} */ to, /** @type {string} */ where) => {
  const parts = text.split(from);
  if (parts.length !== 2) fail(`expected "${from}" once in ${where}, found it ${parts.length - 1} times`);
  return parts.join(to);
};
const integrity = (/** @type {Buffer} */ bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

const work = mkdtempSync(path.join(tmpdir(), 'split-console-'));
try {
  // 1. Split.
  run('wasm-split-cli', [cargoWasm, work, '--out-name', NAME, '--target', 'web']);
  const chunks = readdirSync(work).filter((f) => f.endsWith('.wasm') && f !== `${NAME}.wasm`);
  if (chunks.length === 0) fail('no split module: was the wasm built with --cfg console_split?');

  // 2. wasm-bindgen on the main module (Trunk's options, plus the split's).
  const bindgen = path.join(work, 'bindgen');
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--keep-lld-exports', '--no-demangle',
    '--out-dir', bindgen, '--out-name', NAME, path.join(work, `${NAME}.wasm`)]);

  // 3. wasm-opt, with the level and flags of index.html's rust link.
  const html = readFileSync(source, 'utf8');
  const level = /data-wasm-opt="([^"]+)"/.exec(html)?.[1] ?? fail('no data-wasm-opt in index.html');
  const params = (/data-wasm-opt-params="([^"]*)"/.exec(html)?.[1] ?? '').split(/\s+/)
    .filter((p) => p !== '' && p !== '--gufa');
  const optimise = (/** @type {string} */ input, /** @type {string} */ output) =>
    run('wasm-opt', [`-O${level}`, ...params, input, '-o', output]);
  optimise(path.join(bindgen, `${NAME}_bg.wasm`), path.join(work, 'main.wasm'));
  for (const chunk of chunks) optimise(path.join(work, chunk), path.join(work, `opt-${chunk}`));

  // 4. Names after content. The main JS and the loader import each other, so one
  // hash of everything names them all.
  let glue = readFileSync(path.join(bindgen, `${NAME}.js`), 'utf8');
  let loader = readFileSync(path.join(work, LINK), 'utf8');
  const mainWasm = readFileSync(path.join(work, 'main.wasm'));
  const chunkWasm = chunks.map((c) => readFileSync(path.join(work, `opt-${c}`)));
  const all = createHash('sha256').update(glue).update(loader).update(mainWasm);
  for (const bytes of chunkWasm) all.update(bytes);
  const hash = all.digest('hex').slice(0, 16);
  const names = {
    js: `${NAME}-${hash}.js`,
    wasm: `${NAME}-${hash}_bg.wasm`,
    loader: `wasm-split-${hash}.js`,
  };
  // The wasm's import module keeps its name (the JS's import object is keyed by it):
  // only the file the JS imports it from changes.
  glue = replaceOnce(glue, `from "${LINK}"`, `from "./${names.loader}"`, `${NAME}.js`);
  loader = replaceOnce(loader, `from "./${NAME}.js"`, `from "./${names.js}"`, LINK);
  chunks.forEach((chunk, i) => {
    const named = `${path.basename(chunk, '.wasm').replace(/^split_/, '').replaceAll('_', '-')}-${hash}.wasm`;
    loader = replaceOnce(loader, `"./${chunk}"`, `"./${named}"`, LINK);
    writeFileSync(path.join(dist, named), chunkWasm[i]);
  });

  // Trunk's unsplit files go; the split ones take their place in index.html.
  const index = path.join(dist, 'index.html');
  let page = readFileSync(index, 'utf8');
  const meta = /data-js=\/?([^ >"]+\.js) data-wasm=\/?([^ >"]+\.wasm)/.exec(page)
    ?? fail('no <meta name=trunk-app data-js data-wasm> in dist/index.html (Trunk.toml pattern_script)');
  const [, trunkJs, trunkWasm] = meta;
  for (const [old, name, bytes] of [[trunkJs, names.js, Buffer.from(glue)], [trunkWasm, names.wasm, mainWasm]]) {
    const oldBytes = readFileSync(path.join(dist, old));
    page = page.replaceAll(integrity(oldBytes), integrity(bytes)).replaceAll(old, name);
    rmSync(path.join(dist, old));
    writeFileSync(path.join(dist, name), bytes);
  }
  writeFileSync(path.join(dist, names.loader), loader);
  // The loader is a static import of the main JS: preloaded beside it, not after it.
  page = replaceOnce(page, '</head>',
    `<link crossorigin href=/${names.loader} integrity=${integrity(Buffer.from(loader))} rel=modulepreload></head>`,
    'dist/index.html');
  writeFileSync(index, page);
  console.log(`split-console: ${names.js}, ${names.wasm}, ${names.loader}, ${chunks.length} module(s) loaded after sign-in`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
