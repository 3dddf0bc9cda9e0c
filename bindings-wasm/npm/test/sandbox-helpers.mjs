// Helpers for the tests that talk to the sandbox over real HTTP: start and stop the simulator
// (the CLI binary `target/debug/wechatpay-coupons sandbox --port 0`, or WECHATPAY_SANDBOX_BIN),
// its unsigned /sandbox/* controls, its business clock, and copies of the examples that resolve
// `wechatpay-coupons` to this package.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { REPO } from './helpers.mjs';

/** The sandbox binary (built by `cargo build -p wechatpay-coupons-cli`). */
export const SANDBOX_BIN = process.env.WECHATPAY_SANDBOX_BIN ?? join(REPO, 'target', 'debug', 'wechatpay-coupons');
/** This package's folder (what `npm install ./bindings-wasm/npm` links). */
export const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));
/** examples/node. */
export const EXAMPLES_DIR = join(REPO, 'examples', 'node');

/** A 2×2 PNG. */
export const LOGO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEUlEQVR42mNgP5jwHwQYYAwAZK0MR3YK05QAAAAASUVORK5CYII=',
  'base64',
);

/**
 * Why the sandbox cannot run here, or `null`. Under CI a missing binary is a failure, not a skip.
 */
export function sandboxMissing() {
  if (existsSync(SANDBOX_BIN)) return null;
  const msg = `sandbox binary ${SANDBOX_BIN} not built (cargo build -p wechatpay-coupons-cli)`;
  if (process.env.CI === 'true') throw new Error(msg);
  return msg;
}

/** A running sandbox on an ephemeral port with its merchant files in `dir`. */
export class Sandbox {
  /** Starts the sandbox; resolves once it printed its base URL and `merchant.json` path. */
  static async start({ dir, mode = 'public-key', args = [] } = {}) {
    const own = dir === undefined;
    const where = dir ?? join(mkdtempSync(join(tmpdir(), 'wcsb-node-')), 'merchant');
    const proc = spawn(SANDBOX_BIN, ['sandbox', '--port', '0', '--dir', where, '--mode', mode, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Never outlive the test process, even when it ends without running `after` hooks.
    const reap = () => proc.kill('SIGKILL');
    process.once('exit', reap);
    proc.once('exit', () => process.off('exit', reap));
    const log = [];
    proc.stderr.on('data', (d) => log.push(String(d)));
    const lines = createInterface({ input: proc.stdout });
    let baseUrl = '';
    let config = '';
    const ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${log.join('')}`)), 60_000);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sandbox exited (${code}): ${log.join('')}`));
      });
      lines.on('line', (line) => {
        log.push(line);
        if (line.includes('listening on')) baseUrl = line.split('listening on')[1].trim();
        if (line.startsWith('client config:')) config = line.slice(line.indexOf(':') + 1).trim();
        if (baseUrl && config) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    try {
      await ready;
    } catch (e) {
      proc.kill();
      throw e;
    }
    return new Sandbox(proc, where, baseUrl, config, own);
  }

  constructor(proc, dir, baseUrl, config, own) {
    this.proc = proc;
    /** The merchant directory. */
    this.dir = dir;
    /** `http://127.0.0.1:<port>`. */
    this.baseUrl = baseUrl;
    /** Path of merchant.json. */
    this.config = config;
    this.own = own;
  }

  /** An unsigned POST to a /sandbox/* control: `{status, body}`. */
  async post(path, body) {
    const r = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }

  /** An unsigned GET of a /sandbox/* control (its JSON). */
  async get(path) {
    const r = await fetch(this.baseUrl + path);
    if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}`);
    return r.json();
  }

  /**
   * The sandbox's clocks: `business` (Beijing business time, moved by /sandbox/clock/advance) and
   * `protocol` (what it checks request timestamps against), both Unix seconds.
   */
  async clock() {
    const c = await this.get('/sandbox/clock');
    return { business: c.now, protocol: c.protocol_now };
  }

  /**
   * A clock function for `new Client({now})`: the sandbox's protocol time, then running on with
   * the monotonic clock (no wall-clock read in the test).
   */
  async clientClock() {
    const { protocol } = await this.clock();
    const at = performance.now();
    return () => protocol + Math.floor((performance.now() - at) / 1000);
  }

  /** Stops the process and removes a merchant directory it created. */
  async stop() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (this.own) rmSync(join(this.dir, '..'), { recursive: true, force: true });
  }
}

/** `fetch` as a `send` function: `{status, headers, body}` with the raw body bytes. */
export async function fetchSend(req) {
  const r = await fetch(req.url, req);
  return { status: r.status, headers: r.headers, body: new Uint8Array(await r.arrayBuffer()) };
}

/** Unix seconds → RFC 3339 in Beijing time (`…+08:00`). */
export function beijing(t) {
  return new Date((t + 8 * 3600) * 1000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/** 10:00 Beijing time of the day after `t` (when the sandbox starts serving a stock's bills). */
export function nextDay10am(t) {
  const day = Math.floor((t + 8 * 3600) / 86400);
  return (day + 1) * 86400 + 10 * 3600 - 8 * 3600;
}

/**
 * A temporary folder holding copies of examples/node/*.mjs and a `node_modules` where
 * `wechatpay-coupons` links to this package (and `express` to examples/node/node_modules/express
 * when installed), so the examples run exactly as written. Returns its path.
 */
export function exampleWorkspace(prefix = 'wc-examples-') {
  const work = mkdtempSync(join(tmpdir(), prefix));
  for (const f of ['campaign.mjs', 'notify-server.mjs', 'express-notify.mjs']) {
    copyFileSync(join(EXAMPLES_DIR, f), join(work, f));
  }
  linkPackage(work);
  const installed = join(EXAMPLES_DIR, 'node_modules');
  if (existsSync(join(installed, 'express'))) {
    // express and its dependencies (flat in examples/node/node_modules after `npm ci`).
    for (const name of readdirSync(installed)) {
      if (name === 'wechatpay-coupons' || name.startsWith('.')) continue;
      symlinkSync(join(installed, name), join(work, 'node_modules', name), 'dir');
    }
  }
  return work;
}

/** Makes `import 'wechatpay-coupons'` from files in `dir` resolve to this package. */
export function linkPackage(dir) {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(PACKAGE_DIR, join(dir, 'node_modules', 'wechatpay-coupons'), 'dir');
}
