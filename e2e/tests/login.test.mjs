// The shell: a wrong password is refused in place; admin signs in, stays signed in across a
// reload, and signs out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, artifacts } from './server.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('a wrong password shows the error in place and stays on the login page', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/');
  await page.waitForURL('**/login');
  await page.getByLabel('Login').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  const before = await page.locator('form').boundingBox();
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.filter({ hasText: 'invalid login or password' }).waitFor();
  const after = await page.locator('form').boundingBox();
  assert.equal(after.height, before.height, 'the error must not move the form');
  assert.match(page.url(), /\/login$/);
  await page.screenshot({ path: join(artifacts, 'login-error.png') });
  await page.close();
});

test('admin signs in, sees the account, survives a reload and signs out', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/login');
  await page.getByLabel('Login').fill('admin');
  await page.getByLabel('Password').fill(server.adminPassword);
  await page.getByLabel('Password').press('Enter');
  const user = page.getByTestId('current-user');
  await user.waitFor();
  assert.match(await user.textContent(), /Administrator \(admin\)/);
  await page.getByText('ADMIN', { exact: true }).waitFor();
  await page.screenshot({ path: join(artifacts, 'signed-in.png') });

  await page.reload();
  await page.getByTestId('current-user').waitFor();
  assert.match(page.url(), /\/$/);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/login');
  await page.getByLabel('Login').waitFor();
  // The session is over on the server too: going back to / lands on the login page.
  await page.goto(server.url + '/');
  await page.waitForURL('**/login');
  await page.close();
});
