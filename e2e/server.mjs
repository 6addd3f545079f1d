// Starts and stops the account API server (which also serves the built console) for the
// browser tests and the Lighthouse audit. Shared by fixtures.ts and lighthouse.mjs.
//
// Each server gets a fresh temporary database with the demo account and EIM user in their
// first state (`serve --demo`: without it a new database holds no account)
// and listens on a port the kernel picks (`--listen 127.0.0.1:0`). The port is read from
// the line the server prints, never guessed, and before handing the server out we check
// that the socket listening on that port belongs to the process we started and that it
// answers: a stale server from an earlier run can never be the one tested.

import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in `<root>/e2e/`). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The server binary: `E2E_API_BIN`, else `target/debug/account-api` (relative paths from the repo root). */
export function serverBinary() {
  return path.resolve(repoRoot, process.env.E2E_API_BIN || 'target/debug/account-api');
}

/** The built console served at `/`: `CONSOLE_DIST`, else `dist` (relative paths from the repo root). */
export function consoleDist() {
  return path.resolve(repoRoot, process.env.CONSOLE_DIST || 'dist');
}

const LISTENING = /^Account API listening on (http:\/\/127\.0\.0\.1:(\d+))\/api\/v1\/$/;

/** Ports handed out by this process: a port is never used twice in one run. */
const usedPorts = new Set();
/** Servers still running, killed if this process exits without stopping them. */
const running = new Set();
process.once('exit', () => {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * @typedef {object} Server
 * @property {string} baseURL  `http://127.0.0.1:PORT` (no trailing slash)
 * @property {number} port
 * @property {number} pid
 * @property {string} dbDir    the temporary folder holding `api.sqlite` (removed by stop())
 * @property {string} consoleDir
 * @property {() => string} output  what the server printed so far (stdout and stderr)
 * @property {() => Promise<void>} stop  SIGTERM, then SIGKILL after 5 s; removes dbDir. Idempotent.
 */

/**
 * Start a server on a fresh database.
 * @param {object} [options]
 * @param {string} [options.consoleDir]  folder of the built console (default: consoleDist())
 * @param {string} [options.bin]  server binary (default: serverBinary())
 * @param {number} [options.lockoutUnitSecs]  `--lockout-unit-secs` (default 2)
 * @param {string[]} [options.extraArgs]  more `serve` arguments
 * @param {number} [options.timeoutMs]  how long to wait for the server to listen (default 30 s)
 * @returns {Promise<Server>}
 */
export async function startServer(options = {}) {
  const bin = options.bin ?? serverBinary();
  const consoleDir = options.consoleDir ?? consoleDist();
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(`the server binary ${bin} is missing or not executable: run \`cargo build -p account-api\` (or set E2E_API_BIN)`);
  }
  if (!existsSync(path.join(consoleDir, 'index.html'))) {
    throw new Error(`${consoleDir} has no index.html: build the console first (\`scripts/build-console\`), or set CONSOLE_DIST`);
  }

  const dbDir = mkdtempSync(path.join(tmpdir(), 'account-api-e2e-'));
  const args = [
    '--db', path.join(dbDir, 'api.sqlite'),
    'serve',
    '--demo',
    '--listen', '127.0.0.1:0',
    '--console', consoleDir,
    '--lockout-unit-secs', String(options.lockoutUnitSecs ?? 2),
    ...(options.extraArgs ?? []),
  ];
  // The server reads ACCOUNT_API_* variables (key file, CORS, public hosts...): none of the
  // caller's may leak into a test server.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ACCOUNT_API_')));
  env.ACCOUNT_API_LOG = process.env.E2E_API_LOG || 'warn';

  const child = spawn(bin, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | null} */
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      resolve(exited);
    });
  });
  child.once('error', (e) => {
    output += `spawn error: ${e.message}\n`;
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return exitPromise.then(() => undefined);
    stopped = true;
    if (exited === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => exited === null && child.kill('SIGKILL'), 5_000);
      await exitPromise;
      clearTimeout(timer);
    }
    if (!process.env.E2E_KEEP_DB) rmSync(dbDir, { recursive: true, force: true });
  };

  try {
    const { baseURL, port } = await new Promise((resolve, reject) => {
      let pending = '';
      const timer = setTimeout(() => reject(new Error(`the server did not print its address within ${timeoutMs} ms`)), timeoutMs);
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        output += chunk;
        pending += chunk;
        let nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).trimEnd();
          pending = pending.slice(nl + 1);
          const m = LISTENING.exec(line);
          if (m) {
            clearTimeout(timer);
            resolve({ baseURL: m[1], port: Number(m[2]) });
          }
        }
      });
      exitPromise.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${signal ?? `code ${code}`}) before listening`));
      });
    });

    if (port === 0 || usedPorts.has(port)) throw new Error(`port ${port} was already used in this run`);
    usedPorts.add(port);
    if (exited !== null) throw new Error('the server exited right after listening');
    checkListenerOwner(child.pid, port);
    await probe(baseURL, () => exited !== null);
    return { baseURL, port, pid: /** @type {number} */ (child.pid), dbDir, consoleDir, output: () => output, stop };
  } catch (e) {
    await stop();
    const detail = output.trim() ? `\n--- server output ---\n${output.trim()}` : '';
    throw new Error(`account-api (${bin} ${args.join(' ')}): ${/** @type {Error} */ (e).message}${detail}`);
  }
}

/**
 * On Linux, check in /proc that the socket listening on 127.0.0.1:port is one of pid's file
 * descriptors. Elsewhere (no /proc) the check is skipped: the port still comes from the
 * process's own output.
 * @param {number | undefined} pid
 * @param {number} port
 */
export function checkListenerOwner(pid, port) {
  if (!pid) throw new Error('the server has no pid');
  let table;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set();
  for (const row of table.split('\n').slice(1)) {
    const f = row.trim().split(/\s+/);
    // local_address is "0100007F:PORT" for 127.0.0.1; state 0A is LISTEN.
    if (f.length > 9 && f[1] === `0100007F:${hexPort}` && f[3] === '0A') inodes.add(f[9]);
  }
  if (inodes.size === 0) throw new Error(`nothing listens on 127.0.0.1:${port}`);
  const fds = readdirSync(`/proc/${pid}/fd`);
  for (const fd of fds) {
    let target;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m && inodes.has(m[1])) return;
  }
  throw new Error(`the socket listening on 127.0.0.1:${port} does not belong to the server started (pid ${pid})`);
}

/**
 * The server answers the console's index page with its Content-Security-Policy.
 * @param {string} baseURL
 * @param {() => boolean} dead
 */
async function probe(baseURL, dead) {
  let last = '';
  for (let i = 0; i < 50 && !dead(); i++) {
    try {
      const res = await fetch(`${baseURL}/`, { redirect: 'manual', signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200 && res.headers.get('content-security-policy')) return;
      last = `GET / answered ${res.status}${res.headers.get('content-security-policy') ? '' : ' without a Content-Security-Policy'}`;
    } catch (e) {
      last = `GET / failed: ${/** @type {Error} */ (e).message}`;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(dead() ? 'the server exited while being probed' : `the server does not serve the console: ${last}`);
}
