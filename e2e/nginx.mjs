// Starts Debian's nginx with the recipe of deploy/nginx.conf, for the browser tests of the
// reverse-proxy set-up (tests/outscale-proxy.spec.ts).
//
// The configuration is made FROM deploy/nginx.conf by substitution only: the listen port,
// the root folder, the account API's upstream address, and each OUTSCALE region's
// `proxy_pass` (one region goes to a stand-in account API, the others to a closed port:
// this machine cannot resolve OUTSCALE's names, and nginx resolves them when it starts).
// Every substitution must match exactly once, so a recipe that drifts fails the test.
// What Debian's /etc/nginx/nginx.conf would give (the main and http contexts) is wrapped
// around it, with every path nginx writes to in a temporary folder: it runs as root or not.

import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkListenerOwner, repoRoot } from './server.mjs';

/** nginx: `NGINX_BIN`, else Debian's /usr/sbin/nginx. */
export function nginxBinary() {
  return process.env.NGINX_BIN || '/usr/sbin/nginx';
}

/** The OUTSCALE regions the recipe proxies, from its `location /outscale/<region>/api/v1/` blocks. */
export function recipeRegions(recipe) {
  return [...recipe.matchAll(/location \/outscale\/([a-z0-9-]+)\/api\/v1\/ \{/g)].map((m) => m[1]);
}

/** A port nothing listens on right now (the kernel's pick). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

/** Replace `from` by `to`, which must occur exactly once in `text`. */
function substitute(text, from, to) {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`deploy/nginx.conf: expected "${from}" once, found it ${count} times`);
  return text.replace(from, () => to);
}

/**
 * @typedef {object} Nginx
 * @property {string} baseURL  `http://127.0.0.1:PORT`
 * @property {string} config   the configuration it runs
 * @property {() => string} output
 * @property {() => Promise<void>} stop
 */

/**
 * Start nginx in front of the built console and the account API.
 * @param {object} options
 * @param {string} options.root          the built console (dist/)
 * @param {string} options.accountApi    `127.0.0.1:PORT` of the account API (/api/v1/)
 * @param {Record<string, string>} options.regions  region → `http://127.0.0.1:PORT` standing in for it
 * @returns {Promise<Nginx>}
 */
export async function startNginx({ root, accountApi, regions }) {
  const bin = nginxBinary();
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(`nginx (${bin}) is missing: run scripts/setup (apt-get install nginx), or set NGINX_BIN`);
  }
  const recipe = readFileSync(path.join(repoRoot, 'deploy', 'nginx.conf'), 'utf8');
  const port = await freePort();
  let site = substitute(recipe, 'listen 8080;', `listen 127.0.0.1:${port};`);
  site = substitute(site, 'root /var/www/osc-console;', `root ${root};`);
  site = substitute(site, 'server 127.0.0.1:8090;', `server ${accountApi};`);
  // The recipe's second instance: these tests run one.
  site = substitute(site, 'server 127.0.0.1:8091;', '');
  for (const region of recipeRegions(recipe)) {
    const from = `proxy_pass https://api.${region}.outscale.com/api/v1/;`;
    const to = regions[region] ? `${regions[region]}/api/v1/` : 'https://127.0.0.1:9/api/v1/';
    site = substitute(site, from, `proxy_pass ${to};`);
  }
  for (const region of Object.keys(regions)) {
    if (!recipeRegions(recipe).includes(region)) throw new Error(`deploy/nginx.conf has no block for ${region}`);
  }

  const dir = mkdtempSync(path.join(tmpdir(), 'nginx-e2e-'));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `  ${kind}_temp_path ${path.join(dir, kind)};`)
    .join('\n');
  // As root, nginx would run its workers as nobody, who cannot read a root-only tmpdir.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  // One process, no master and workers: killing it (SIGKILL when the test process exits
  // first) leaves no orphaned worker holding ports and inherited files open.
  const config = `${user}master_process off;
worker_processes 1;
events { worker_connections 128; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
${temp}

${site}
}
`;
  const configFile = path.join(dir, 'nginx.conf');
  writeFileSync(configFile, config);

  const args = ['-p', `${dir}/`, '-c', configFile, '-e', 'stderr', '-g', `daemon off; error_log stderr; pid ${path.join(dir, 'nginx.pid')};`];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c) => (output += c));
  child.stderr.setEncoding('utf8').on('data', (c) => (output += c));
  let exited = false;
  const exit = new Promise((resolve) => child.once('exit', () => resolve((exited = true))));
  child.once('error', (e) => (output += `spawn error: ${e.message}\n`));
  const kill = () => !exited && child.kill('SIGKILL');
  process.once('exit', kill);

  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(kill, 5_000);
        await exit;
        clearTimeout(timer);
      }
      process.removeListener('exit', kill);
      rmSync(dir, { recursive: true, force: true });
    }
  };

  const baseURL = `http://127.0.0.1:${port}`;
  try {
    let last = '';
    for (let i = 0; ; i++) {
      if (exited) throw new Error('nginx exited');
      try {
        const res = await fetch(`${baseURL}/`, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.status === 200) break;
        last = `GET / answered ${res.status}`;
      } catch (e) {
        last = `GET / failed: ${/** @type {Error} */ (e).message}`;
      }
      if (i >= 50) throw new Error(`nginx does not answer: ${last}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The one answering is the nginx started here, not a stale one on the same port.
    checkListenerOwner(child.pid, port);
  } catch (e) {
    await stop();
    throw new Error(`nginx (${bin} ${args.join(' ')}): ${/** @type {Error} */ (e).message}\n--- nginx output ---\n${output.trim()}\n--- configuration ---\n${config}`);
  }
  return { baseURL, config, output: () => output, stop };
}
