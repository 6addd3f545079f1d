// Minifies the console's JavaScript in dist/ (the wasm-bindgen glue, the split loader)
// with terser, and updates the integrity hashes index.html gives them. Trunk's own
// minifier keeps the glue's local names and layout; terser's mangling and compression
// take about 1.5 KB brotli more off every visitor's first load (docs/BENCHMARKS.md).
// Usage: node scripts/minify-js.mjs dist
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../e2e/package.json', import.meta.url));
const { minify } = require('terser');

const dist = process.argv[2] ?? 'dist';
const integrity = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
const indexPath = path.join(dist, 'index.html');
let index = readFileSync(indexPath, 'utf8');
for (const name of readdirSync(dist).filter((f) => f.endsWith('.js'))) {
  const file = path.join(dist, name);
  const before = readFileSync(file);
  // Modules: top-level names are private, exports keep theirs.
  const result = await minify(before.toString('utf8'), {
    module: true,
    ecma: 2020,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  const after = Buffer.from(result.code, 'utf8');
  writeFileSync(file, after);
  index = index.replaceAll(integrity(before), integrity(after));
  console.log(`minify-js: ${name} ${before.length} -> ${after.length} bytes`);
}
writeFileSync(indexPath, index);
