// Starts a real socdesk server on a free port with a fresh SQLite database, and Debian's Chromium.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chromium } from 'playwright-core';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifacts = join(repo, 'e2e', 'artifacts');
mkdirSync(artifacts, { recursive: true });

const webDir = join(repo, 'frontend', 'dist');

/** Starts the server (with `extraEnv` on top); resolves with { url, adminPassword, stop }. */
export async function startServer(extraEnv = {}) {
  const bin = process.env.SOCDESK_BIN;
  if (!bin) {
    throw new Error(
      'SOCDESK_BIN must name the socdesk server binary, e.g. ' +
        'SOCDESK_BIN=$HOME/.cache/socdesk/target/debug/socdesk npm test ' +
        '(build it with `cargo build -p socdesk-api`)',
    );
  }
  if (!existsSync(bin)) throw new Error(`SOCDESK_BIN=${bin} does not exist`);
  if (!existsSync(join(webDir, 'index.html'))) {
    throw new Error(`${webDir}/index.html is missing: run scripts/build-web.sh first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'socdesk-e2e-'));
  const adminPassword = randomBytes(15).toString('base64url'); // 20 characters
  const child = spawn(resolve(bin), ['serve'], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dir}/socdesk.db?mode=rwc`,
      SOCDESK_BIND: '127.0.0.1:0',
      SOCDESK_ADMIN_PASSWORD: adminPassword,
      SOCDESK_WEB_DIR: webDir,
      RUST_LOG: process.env.RUST_LOG || 'info',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never leave a server behind, whatever happens to the tests.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let output = '';
  let url;
  try {
    url = await new Promise((resolveUrl, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the server did not report listening within 60 s; its output:\n${output}`)),
        60_000,
      );
      const onData = (chunk) => {
        output += chunk.toString();
        const m = output.match(/socdesk listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`could not start ${bin}: ${e.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${signal ?? code}) before listening; its output:\n${output}`));
      });
    });
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url,
    adminPassword,
    output: () => output,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Launches Debian's Chromium headless (never a downloaded browser). */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new page that records uncaught errors and Rust panics, for `assertNoErrors`. */
export async function newPage(browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  trackCalls(page);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /panicked|RuntimeError|unreachable/.test(m.text())) page.errors.push(m.text());
  });
  return page;
}

/**
 * Counts the page's requests in flight, leaving out the live-update stream, which stays open
 * for as long as the page does (so Playwright's 'networkidle' never comes).
 */
export function trackCalls(page) {
  page.callsInFlight = new Set();
  page.on('request', (r) => !r.url().endsWith('/api/events') && page.callsInFlight.add(r));
  for (const done of ['requestfinished', 'requestfailed']) {
    page.on(done, (r) => page.callsInFlight.delete(r));
  }
}

/** Waits until no request (but the live-update stream) has been in flight for 500 ms. */
export async function settled(page) {
  const end = Date.now() + 30_000;
  let quietSince = Date.now();
  while (Date.now() < end) {
    if (page.callsInFlight.size > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 500) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`requests still in flight after 30 s: ${[...page.callsInFlight].map((r) => r.url())}`);
}

/**
 * Waits until `fn` resolves truthy (up to 10 s) and returns its value. For checks right after
 * a click: the app redraws on its own schedule, not before the click returns.
 */
export async function eventually(fn, what) {
  let last;
  for (let i = 0; i < 100; i++) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after 10 s`);
}
