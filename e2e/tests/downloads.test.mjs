// The Download dialog of both lists in a real browser against the real server: the dialog's
// choices (file name, column search and ticks, type, encoding, range) reach the file the browser
// saves; errors show in the dialog; the explanation list downloads as JSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, artifacts, eventually } from './server.mjs';
import { apiAs, signIn } from './api.mjs';

let server;
let browser;
let admin;
const titles = ['Oldest port scan', '=cmd|calc (formula)', '보안 이벤트 탐지', 'Newest phishing'];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await apiAs(server.url, 'admin', server.adminPassword);
  const site = await admin('POST', '/api/sites', { name: 'HQ' });
  for (const title of titles) {
    await admin('POST', '/api/tickets', { site_id: site.id, kind: 'analysis', title, priority: 'high' });
    // Distinct creation times, so "newest first" has one answer.
    await new Promise((r) => setTimeout(r, 20));
  }
  const sales = await admin('POST', '/api/departments', { name: 'Sales' });
  await admin('POST', '/api/employees', { id: 'M1', name: 'Manager Min', email: 'm1@example.com', department_id: sales.id, is_manager: true });
  await admin('POST', '/api/employees', { id: 'V1', name: 'Violator Vic', email: 'v1@example.com', department_id: sales.id });
  const category = await admin('POST', '/api/explanation-categories', { name: 'USB use' });
  const deadline = new Date(Date.now() + 3 * 86400_000).toISOString();
  await admin('POST', '/api/explanations', { violator_id: 'V1', category_id: category.id, deadline, priority: 'low', message: 'Copied files' });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Clicks Confirm and answers the saved file's name and bytes. */
async function confirmDownload(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-confirm').click()]);
  const bytes = await readFile(await download.path());
  return { name: download.suggestedFilename(), bytes };
}

test('the ticket list downloads with the chosen name, columns, type, encoding and range', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await page.getByTestId('tickets-total').filter({ hasText: '4 tickets' }).waitFor();
  await page.getByTestId('download-open').click();
  const dialog = page.getByTestId('download-dialog');
  await dialog.waitFor();
  const today = new Date();
  const stamp = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  assert.equal(await dialog.getByLabel('File name').inputValue(), `tickets-${stamp}`);

  // The search narrows the column list; ticking works on what it shows.
  await dialog.getByLabel('Search columns').fill('regist');
  await eventually(async () => (await dialog.locator('.download-column-list input').count()) === 1, 'one column matches');
  await dialog.getByLabel('Registered by').check();
  await dialog.getByLabel('Search columns').fill('');
  await dialog.getByLabel('Category').uncheck();
  await dialog.getByLabel('File name').fill('주간 보고');
  await dialog.getByLabel('File type').selectOption('csv');
  await dialog.getByLabel('File encoding').selectOption('utf-8-bom');
  await dialog.getByLabel('From row').fill('1');
  await dialog.getByLabel('To row').fill('3');
  await page.screenshot({ path: join(artifacts, 'download-dialog.png') });

  const { name, bytes } = await confirmDownload(page);
  assert.equal(name, '주간 보고.csv');
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM');
  const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
  assert.equal(lines[0], 'ID,Priority,Status,Title,Assignees,Attack,Incident,Created,Explanation status,Registered by');
  assert.equal(lines.length, 4, 'headings and rows 1 to 3');
  assert.match(lines[1], /,Newest phishing,/, 'the list order: newest first');
  assert.match(lines[2], /,보안 이벤트 탐지,/);
  assert.match(lines[3], /,'=cmd\|calc \(formula\),/, 'the formula is neutralised');
  assert.match(lines[1], /,Administrator$|,admin$/, 'registered by the admin');
  await dialog.waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('mistakes in the dialog are shown beside their field', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await page.getByTestId('download-open').click();
  const dialog = page.getByTestId('download-dialog');
  await dialog.getByLabel('From row').fill('5');
  await dialog.getByLabel('To row').fill('2');
  await dialog.getByRole('button', { name: 'Clear' }).click();
  await dialog.getByTestId('download-confirm').click();
  await dialog.getByText('must not be before the first row').waitFor();
  await dialog.getByText('tick at least one column').waitFor();
  await page.screenshot({ path: join(artifacts, 'download-dialog-errors.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.close();
});

test('the explanation list downloads as JSON keyed by column', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await page.goto(server.url + '/explanations');
  await page.getByTestId('explanations-total').filter({ hasText: '1 explanation' }).waitFor();
  await page.getByTestId('download-open').click();
  const dialog = page.getByTestId('download-dialog');
  await dialog.getByLabel('File type').selectOption('json');
  const { name, bytes } = await confirmDownload(page);
  assert.match(name, /^explanations-\d{4}-\d{2}-\d{2}\.json$/);
  const rows = JSON.parse(bytes.toString('utf8'));
  assert.equal(rows.length, 1);
  assert.equal(rows[0].priority, 'Low');
  assert.equal(rows[0].violator, 'Violator Vic');
  assert.equal(rows[0].manager, 'Manager Min');
  assert.deepEqual(Object.keys(rows[0]).sort(), ['category', 'deadline', 'id', 'manager', 'priority', 'result', 'status', 'violator']);
  assert.deepEqual(page.errors, []);
  await page.close();
});
