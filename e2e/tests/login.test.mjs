// The shell in a real browser against the real server: a wrong password is refused in place;
// admin signs in, stays signed in across a reload and signs out; an expired access token is
// renewed with the refresh token (once, even by two windows at the same moment), and a dead
// session ends on the login page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, artifacts, trackCalls, settled } from './server.mjs';

const ACCESS = 'socdesk.access_token';
const REFRESH = 'socdesk.refresh_token';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(page, password) {
  await page.goto(server.url + '/login');
  await page.getByLabel('Login').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await page.getByTestId('current-user').waitFor();
}

const stored = (page, key) => page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? 'null'), key);

test('a wrong password shows the error in place and stays on the login page', async () => {
  const page = await newPage(browser);
  await page.goto(server.url + '/');
  await page.waitForURL('**/login');
  // The login field has the focus, so typing straight away works.
  await page.keyboard.type('admin');
  assert.equal(await page.getByLabel('Login').inputValue(), 'admin');
  await page.getByLabel('Password').fill('not-the-password');

  // Hold the answer back to see the pending state.
  let release;
  const held = new Promise((r) => (release = r));
  await page.route('**/api/auth/login', async (route) => {
    await held;
    await route.continue();
  });
  const formBefore = await page.locator('form').boundingBox();
  await page.getByRole('button', { name: 'Sign in' }).click();
  const pending = page.getByRole('button', { name: 'Signing in…' });
  await pending.waitFor();
  assert.equal(await pending.isDisabled(), true, 'the button is disabled while signing in');
  release();

  await page.getByRole('alert').filter({ hasText: /\S/ }).waitFor();
  const message = await page.getByRole('alert').textContent();
  assert.match(message, /invalid login or password/i);
  const formAfter = await page.locator('form').boundingBox();
  assert.deepEqual(formAfter, formBefore, 'the error must not move or resize the form');
  assert.match(page.url(), /\/login$/);
  assert.equal(await page.getByRole('button', { name: 'Sign in' }).isEnabled(), true);
  assert.equal(await stored(page, ACCESS), null, 'no session is stored');
  await page.screenshot({ path: join(artifacts, 'login-error.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('admin signs in, sees the account, survives a reload and signs out', async () => {
  const page = await newPage(browser);
  await signIn(page, server.adminPassword);
  // The start page is the Tickets screen.
  await page.waitForURL(/\/tickets$/);
  const user = page.getByTestId('current-user');
  assert.match(await user.textContent(), /admin/);
  await user.click();
  await page.getByRole('menuitem', { name: 'My account' }).click();
  await page.waitForURL(/\/account$/);
  await page.getByRole('list', { name: 'Permissions' }).getByText('ADMIN', { exact: true }).waitFor();
  await page.screenshot({ path: join(artifacts, 'signed-in.png') });

  await page.reload();
  await page.getByTestId('current-user').waitFor();
  assert.match(await page.getByTestId('current-user').textContent(), /admin/);
  assert.match(page.url(), /\/account$/);

  const refreshToken = await stored(page, REFRESH);
  await page.getByTestId('current-user').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
  await page.getByLabel('Login').waitFor();
  assert.equal(await stored(page, ACCESS), null);
  assert.equal(await stored(page, REFRESH), null);
  // The session is over on the server too.
  const res = await fetch(server.url + '/api/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  });
  assert.equal(res.status, 401, 'the refresh token is revoked by sign-out');
  // And going back to the start page lands on the login page.
  await page.goto(server.url + '/');
  await page.waitForURL(/\/login/);
  await page.screenshot({ path: join(artifacts, 'signed-out.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('an expired access token is renewed once; a dead session goes to the login page', async () => {
  const page = await newPage(browser);
  await signIn(page, server.adminPassword);
  // The page's own first calls are answered before the token is spoilt: one still in flight
  // would renew the pair in the page being reloaded, whose answer the reload may lose.
  await settled(page);
  const oldRefresh = await stored(page, REFRESH);

  // A rejected access token: the app refreshes the pair and carries on.
  await page.evaluate((k) => localStorage.setItem(k, JSON.stringify('not-a-valid-token')), ACCESS);
  const refreshes = [];
  page.on('request', (r) => r.url().endsWith('/api/auth/refresh') && refreshes.push(r));
  await page.reload();
  await page.getByTestId('current-user').waitFor();
  await page.waitForURL(/\/tickets$/);
  // Every call that met the rejected token has been answered by now: one refresh served them all.
  await settled(page);
  assert.equal(refreshes.length, 1, `exactly one refresh (saw ${refreshes.length})`);
  assert.notEqual(await stored(page, ACCESS), 'not-a-valid-token');
  assert.notEqual(await stored(page, REFRESH), oldRefresh, 'the refresh token rotated');

  // Both tokens rejected: the session ends and the login page shows.
  await page.evaluate(
    ([a, r]) => {
      localStorage.setItem(a, JSON.stringify('not-a-valid-token'));
      localStorage.setItem(r, JSON.stringify('not-a-valid-refresh-token'));
    },
    [ACCESS, REFRESH],
  );
  await page.reload();
  await page.waitForURL(/\/login/);
  await page.getByLabel('Login').waitFor();
  assert.equal(await stored(page, ACCESS), null);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('two windows renewing the same expired token at once both stay signed in', async () => {
  // Windows of one browser share the stored pair; refresh tokens work once. The slower
  // window's exchange is refused without ending the session, and it takes the pair the faster
  // one stored.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  const open = async () => {
    const page = await context.newPage();
    trackCalls(page);
    page.on('pageerror', (e) => errors.push(e.message));
    return page;
  };
  const first = await open();
  await signIn(first, server.adminPassword);
  await settled(first);
  const second = await open();
  await second.goto(server.url + '/tickets');
  await second.getByTestId('current-user').waitFor();
  await settled(second);

  for (let round = 0; round < 3; round++) {
    await first.evaluate((k) => localStorage.setItem(k, JSON.stringify('not-a-valid-token')), ACCESS);
    const exchanges = [];
    for (const page of [first, second]) {
      page.on('response', (r) => r.url().endsWith('/api/auth/refresh') && exchanges.push(r.status()));
    }
    await Promise.all([first.reload(), second.reload()]);
    for (const page of [first, second]) {
      await page.getByTestId('current-user').waitFor({ timeout: 10_000 }).catch(() => {
        throw new Error(`round ${round}: a window is at ${page.url()} after the exchanges ${exchanges}`);
      });
      await settled(page);
      assert.match(page.url(), /\/tickets$/, `round ${round}: still signed in`);
    }
    assert.ok(exchanges.includes(200), `round ${round}: one window renewed the pair (${exchanges})`);
    assert.ok(exchanges.every((s) => s === 200 || s === 409), `round ${round}: ${exchanges}`);
    for (const page of [first, second]) page.removeAllListeners('response');
  }
  // The session survived: its current refresh token still works on the server.
  const res = await fetch(server.url + '/api/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: await stored(first, REFRESH) }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a link opened signed out comes back to that page after signing in', async () => {
  const page = await newPage(browser);
  await page.goto(server.url + '/tickets?status=closed&q=scan');
  await page.waitForURL(/\/login\?next=/);
  await page.getByLabel('Login').fill('admin');
  await page.getByLabel('Password').fill(server.adminPassword);
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL(/\/tickets\?status=closed&q=scan$/);
  // A `next` that leaves the app is ignored.
  await page.evaluate(() => localStorage.clear());
  await page.goto(server.url + '/login?next=//evil.example/x');
  await page.getByLabel('Login').fill('admin');
  await page.getByLabel('Password').fill(server.adminPassword);
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL(/\/tickets$/);
  assert.deepEqual(page.errors, []);
  await page.close();
});
