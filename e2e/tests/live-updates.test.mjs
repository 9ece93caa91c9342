// Live updates: with auto-refresh stopped, an open list still shows a change made elsewhere
// within about a second (the server's event stream announces it), and a list of another site
// is not refreshed by it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, artifacts, settled } from './server.mjs';
import { apiAs, createAccount, passwordOf, signIn } from './api.mjs';

let server;
let browser;
let admin;
let seoul;
let busan;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await apiAs(server.url, 'admin', server.adminPassword);
  seoul = await admin('POST', '/api/sites', { name: 'Seoul' });
  busan = await admin('POST', '/api/sites', { name: 'Busan' });
  await admin('POST', '/api/tickets', { site_id: seoul.id, kind: 'analysis', title: 'Already there' });
  await createAccount(admin, 'busan-analyst', ['TICKET_VIEW'], [busan.id]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The list requests the page has made so far. */
const listCalls = (page) =>
  page.evaluate(() => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === '/api/tickets').length);

test('an open list shows new and changed tickets by itself with auto-refresh stopped', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await page.locator('tbody tr').first().waitFor();
  await page.getByLabel('Auto-refresh').selectOption({ label: 'Stop' });
  const elsewhere = await newPage(browser);
  await signIn(elsewhere, server.url, 'busan-analyst', passwordOf('busan-analyst'));
  await elsewhere.getByTestId('tickets-empty').waitFor();
  await settled(page);
  await settled(elsewhere);
  const busanCalls = await listCalls(elsewhere);

  // Created through the API (an integration, another analyst, a detection rule).
  const started = Date.now();
  const created = await admin('POST', '/api/tickets', { site_id: seoul.id, kind: 'analysis', title: 'Arrived live' });
  const row = page.locator(`tr[data-row-id="${created.id}"]`);
  await row.waitFor({ timeout: 5_000 });
  const shownAfter = Date.now() - started;
  console.log(`a new ticket showed in the open list ${shownAfter} ms after it was created`);
  assert.ok(shownAfter < 3_000, `shown within a moment (${shownAfter} ms)`);
  assert.equal(await page.getByTestId('tickets-total').textContent(), '2 tickets');
  await page.screenshot({ path: join(artifacts, 'live-update.png') });

  // Changed elsewhere: closed in bulk by someone else.
  const closing = Date.now();
  await admin('POST', '/api/tickets/bulk', { ids: [created.id], action: 'close', comment: 'false positive' });
  await row.getByText('Closed', { exact: true }).waitFor({ timeout: 5_000 });
  console.log(`the close showed ${Date.now() - closing} ms after it was made`);

  // Busan's analyst sees none of Seoul's tickets, and their list was not asked again for them.
  await settled(elsewhere);
  assert.equal(await listCalls(elsewhere), busanCalls, "another site's changes do not refresh the list");
  await elsewhere.getByTestId('tickets-empty').waitFor();
  assert.deepEqual(page.errors, []);
  assert.deepEqual(elsewhere.errors, []);
  await page.close();
  await elsewhere.close();
});
