// A real SMTP catcher for end-to-end tests: aiosmtpd (scripts/test.sh installs it) on a free
// port, writing every message it receives into a maildir the tests read.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

const canConnect = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** Undoes quoted-printable soft breaks and `=3D`, enough to read links back. */
const readable = (raw) => raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');

/** Starts the catcher; resolves with { url, messages(), waitFor(pred, label), stop() }. */
export async function startMailCatcher() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'socdesk-e2e-mail-'));
  const maildir = join(dir, 'maildir');
  const child = spawn(
    'python3',
    ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
    { stdio: 'ignore' },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  for (let i = 0; !(await canConnect(port)); i++) {
    if (i > 100) throw new Error('aiosmtpd did not start (pip install aiosmtpd)');
    await new Promise((r) => setTimeout(r, 100));
  }
  const messages = () => {
    const fresh = join(maildir, 'new');
    if (!existsSync(fresh)) return [];
    return readdirSync(fresh)
      .sort()
      .map((f) => readable(readFileSync(join(fresh, f), 'utf8')));
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    /** Waits (up to 30 s) for a message matching `pred` and returns it. */
    async waitFor(pred, label) {
      for (let i = 0; i < 300; i++) {
        const found = messages().find(pred);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no mail ${label} within 30 s; got:\n${messages().join('\n----\n')}`);
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The path of the first `/explain/{token}` link in a raw message. */
export function explainPath(raw) {
  const m = raw.match(/\/explain\/([A-Za-z0-9_-]+)/);
  if (!m) throw new Error(`no /explain/ link in:\n${raw}`);
  return `/explain/${m[1]}`;
}
