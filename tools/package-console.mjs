// The console's release build after cargo (scripts/build-console runs it): from the wasm
// cargo linked to dist/, the files a web server serves.
//   1. wasm-split-cli: the main module (what the sign-in page needs), the signed-in
//      module (src/signed_in/, fetched after sign-in) and the loader that fetches it;
//   2. wasm-bindgen on the main module, keeping the exports the signed-in module links
//      to (--keep-lld-exports);
//   3. wasm-opt on both modules (binaryen from npm: prebuilt, nothing to compile);
//   4. file names after their content (the deployment's cache rules rely on it:
//      deploy/nginx.conf), and index.html written from the source one: each
//      `data-trunk` element (what `trunk serve` reads in development) replaced by what
//      it names, with integrity hashes; no inline script (the CSP forbids it).
// The JavaScript and CSS are not minified: terser took 1.6 KB brotli off, a CSS
// minifier 0.2 KB, less than the 5 KB a build step must pay for (docs/BENCHMARKS.md).
// Usage: node tools/package-console.mjs <cargo wasm> <dist>

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [cargoWasm, dist] = process.argv.slice(2);
if (!cargoWasm || !dist) {
  console.error('usage: node tools/package-console.mjs <cargo wasm> <dist>');
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NAME = 'osc-console';
// The module the split wasm imports its loaders from (wasm-split-cli's default).
const LINK = './__wasm_split.js';
// wasm-opt, each flag measured in docs/BENCHMARKS.md (Console size):
// -O2, not -Oz: a larger file that brotli compresses smaller. The low 1 KB of memory
// is unused: rustc links the stack first, so it is the far end of a 1 MiB stack.
// Functions ordered by name put alike code side by side, for brotli too. Not --gufa:
// it infers what flows into the main module's functions from that module alone, and
// the signed-in module's calls into it then trap (seen in Chromium).
const WASM_OPT = ['-O2', '--converge', '--strip-producers', '--low-memory-unused', '--reorder-functions-by-name'];

const fail = (/** @type {string} */ message) => {
  console.error(`package-console: ${message}`);
  process.exit(1);
};
/** Runs a tool; its output is shown only when it fails, and cut short (binaryen's
 * JavaScript build prints its whole source when it aborts). */
const run = (/** @type {string} */ tool, /** @type {string[]} */ args) => {
  try {
    execFileSync(tool, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.split('\n').filter((l) => l.length < 400);
    fail(`${path.basename(tool)} failed (${error.status ?? error.signal}):\n${output.slice(-20).join('\n')}`);
  }
};
/** Replaces `from` (which must appear exactly once) in `text`. */
const replaceOnce = (/** @type {string} */ text, /** @type {string} */ from, /** @type {string} */ to, /** @type {string} */ where) => {
  const parts = text.split(from);
  if (parts.length !== 2) fail(`expected "${from}" once in ${where}, found it ${parts.length - 1} times`);
  return parts.join(to);
};
const integrity = (/** @type {Buffer|string} */ bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
const contentHash = (/** @type {(Buffer|string)[]} */ ...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 16);
};
/** A file name after its content: `main.css` → `main-0123456789abcdef.css`. */
const hashedName = (/** @type {string} */ file, /** @type {Buffer|string} */ bytes) => {
  const ext = path.extname(file);
  return `${path.basename(file, ext)}-${contentHash(bytes)}${ext}`;
};

const work = mkdtempSync(path.join(tmpdir(), 'package-console-'));
try {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const wasmOpt = path.join(root, 'tools', 'node_modules', '.bin', 'wasm-opt');

  // 1. Split.
  run('wasm-split-cli', [cargoWasm, work, '--out-name', NAME, '--target', 'web']);
  const chunks = readdirSync(work).filter((f) => f.endsWith('.wasm') && f !== `${NAME}.wasm`);
  if (chunks.length === 0) fail('no split module: was the wasm built with --cfg console_split?');

  // 2. wasm-bindgen on the main module.
  const bindgen = path.join(work, 'bindgen');
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--keep-lld-exports', '--no-demangle',
    '--out-dir', bindgen, '--out-name', NAME, path.join(work, `${NAME}.wasm`)]);

  // 3. wasm-opt on both modules.
  const optimised = (/** @type {string} */ input) => {
    const output = `${input}.opt`;
    run(wasmOpt, [...WASM_OPT, input, '-o', output]);
    return readFileSync(output);
  };
  const mainWasm = optimised(path.join(bindgen, `${NAME}_bg.wasm`));
  const chunkWasm = chunks.map((c) => optimised(path.join(work, c)));

  // 4. The main JS and the loader import each other, so one hash of everything
  // names them all. The wasm's import module keeps its name (the JS's import object
  // is keyed by it): only the file the JS imports it from changes.
  let glue = readFileSync(path.join(bindgen, `${NAME}.js`), 'utf8');
  let loader = readFileSync(path.join(work, LINK), 'utf8');
  const hash = contentHash(glue, loader, mainWasm, ...chunkWasm);
  const names = { js: `${NAME}-${hash}.js`, wasm: `${NAME}-${hash}_bg.wasm`, loader: `wasm-split-${hash}.js` };
  glue = replaceOnce(glue, `from "${LINK}"`, `from "./${names.loader}"`, `${NAME}.js`);
  loader = replaceOnce(loader, `from "./${NAME}.js"`, `from "./${names.js}"`, LINK);
  chunks.forEach((chunk, i) => {
    const named = `${path.basename(chunk, '.wasm').replace(/^split_/, '').replaceAll('_', '-')}-${hash}.wasm`;
    loader = replaceOnce(loader, `"./${chunk}"`, `"./${named}"`, LINK);
    writeFileSync(path.join(dist, named), chunkWasm[i]);
  });
  writeFileSync(path.join(dist, names.js), glue);
  writeFileSync(path.join(dist, names.wasm), mainWasm);
  writeFileSync(path.join(dist, names.loader), loader);

  // index.html, from the source one.
  let page = readFileSync(path.join(root, 'index.html'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const attribute = (/** @type {string} */ tag, /** @type {string} */ name) =>
    new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1] ?? fail(`no ${name}="…" in ${tag}`);
  /** A source file copied under its content's name; returns the name. */
  const emit = (/** @type {string} */ source, /** @type {Buffer|string} */ bytes) => {
    const name = hashedName(source, bytes);
    writeFileSync(path.join(dist, name), bytes);
    return name;
  };
  const elements = [...page.matchAll(/<(link|script) data-trunk[^>]*>(?:<\/script>)?/g)];
  if (!elements.some(([tag]) => /rel="rust"/.test(tag))) fail('no <link data-trunk rel="rust"> in index.html');
  for (const [tag, kind] of elements) {
    let html = '';
    if (kind === 'script') {
      const source = attribute(tag, 'src');
      const code = readFileSync(path.join(root, source));
      html = `<script type="module" src="/${emit(source, code)}" integrity="${integrity(code)}"></script>`;
    } else {
      const rel = attribute(tag, 'rel');
      const source = rel === 'rust' ? '' : attribute(tag, 'href');
      if (rel === 'rust') {
        // boot.js reads the file names here (Trunk.toml's pattern_script in development).
        html = `<meta name="trunk-app" data-js="/${names.js}" data-wasm="/${names.wasm}">`
          + `<link rel="modulepreload" href="/${names.js}" crossorigin="anonymous" integrity="${integrity(glue)}">`
          + `<link rel="modulepreload" href="/${names.loader}" crossorigin="anonymous" integrity="${integrity(loader)}">`
          + `<link rel="preload" href="/${names.wasm}" crossorigin="anonymous" integrity="${integrity(mainWasm)}" as="fetch" type="application/wasm">`;
      } else if (rel === 'css') {
        const code = readFileSync(path.join(root, source));
        html = `<link rel="stylesheet" href="/${emit(source, code)}" integrity="${integrity(code)}">`;
      } else if (rel === 'icon') {
        html = `<link rel="icon" href="/${emit(source, readFileSync(path.join(root, source)))}">`;
      } else if (rel === 'copy-file') {
        copyFileSync(path.join(root, source), path.join(dist, path.basename(source)));
      } else {
        fail(`index.html: no rule for ${tag}`);
      }
    }
    page = replaceOnce(page, tag, html, 'index.html');
  }
  page = page.replace(/>\s+</g, '><').trim();
  writeFileSync(path.join(dist, 'index.html'), `${page}\n`);
  console.log(`package-console: ${names.js}, ${names.wasm}, ${names.loader}, ${chunks.length} module(s) loaded after sign-in`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
