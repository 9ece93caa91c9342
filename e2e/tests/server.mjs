// Starts a real socdesk server on a free port with a fresh SQLite database, and Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifacts = join(repo, 'e2e', 'artifacts');
mkdirSync(artifacts, { recursive: true });

/** Starts the server; resolves with { url, adminPassword, stop }. */
export async function startServer() {
  const bin = process.env.SOCDESK_BIN;
  if (!bin) throw new Error('SOCDESK_BIN must name the socdesk binary (cargo build -p socdesk-api)');
  const dir = mkdtempSync(join(tmpdir(), 'socdesk-e2e-'));
  const adminPassword = randomBytes(15).toString('base64url');
  const child = spawn(bin, ['serve'], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dir}/socdesk.db?mode=rwc`,
      SOCDESK_BIND: '127.0.0.1:0',
      SOCDESK_ADMIN_PASSWORD: adminPassword,
      SOCDESK_WEB_DIR: join(repo, 'frontend', 'dist'),
      RUST_LOG: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk.toString();
      const m = output.match(/socdesk listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    url,
    adminPassword,
    stop: () => child.kill('SIGTERM'),
  };
}

/** Launches Debian's Chromium headless (never a downloaded browser). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
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
