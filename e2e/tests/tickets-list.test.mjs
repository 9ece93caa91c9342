// The Tickets screen's list, filters and trend in a real browser against the real server: the
// trend draws the period and a legend click hides a series; every filter narrows the list and
// lives in the URL; headers sort; column settings survive a reload and another browser; the
// auto-refresh picks up a ticket created over the API while keeping the selection and the
// scroll position; 500 rows load as the list scrolls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, artifacts, eventually } from './server.mjs';
import { apiAs, createAccount, passwordOf, signIn } from './api.mjs';

let server;
let browser;
let admin;
const ids = {};

/** The ids of the rows on screen, in order. */
const rowIds = (page) =>
  page.locator('tbody tr[data-row-id]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.rowId)));

/** Waits until the list shows exactly these tickets (any order). */
async function expectRows(page, expected, what) {
  const want = [...expected].sort((a, b) => a - b);
  let got;
  for (let i = 0; i < 100; i++) {
    got = (await rowIds(page)).sort((a, b) => a - b);
    if (JSON.stringify(got) === JSON.stringify(want)) break;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(got, want, what);
  assert.equal(await page.getByTestId('tickets-total').textContent(), `${want.length} ticket${want.length === 1 ? '' : 's'}`);
}

/** The fill colours of the chart's bars (the white background left out). */
const barColours = (page) =>
  page
    .locator('[data-testid="ticket-trend"] svg rect')
    .evaluateAll((rects) => [...new Set(rects.map((r) => (r.getAttribute('fill') || '').toLowerCase()))].filter((c) => c && c !== '#ffffff' && c !== 'white'));

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await apiAs(server.url, 'admin', server.adminPassword);

  const hq = await admin('POST', '/api/sites', { name: 'HQ' });
  const branch = await admin('POST', '/api/sites', { name: 'Branch' });
  const network = await admin('POST', '/api/ticket-categories', { name: 'Network' });
  const email = await admin('POST', '/api/ticket-categories', { name: 'Email' });
  const vip = await admin('POST', '/api/tags', { name: 'vip', color: '#7c3aed' });
  const alice = await createAccount(admin, 'alice', ['TICKET_VIEW', 'TICKET_EDIT'], [hq.id, branch.id], 'Alice Kim');
  const bob = await createAccount(admin, 'bob', ['TICKET_VIEW', 'TICKET_EDIT'], [hq.id, branch.id], 'Bob Lee');
  Object.assign(ids, { hq: hq.id, branchSite: branch.id, network: network.id, email: email.id, vip: vip.id, alice: alice.id, bob: bob.id });

  const make = (title, extra = {}) =>
    admin('POST', '/api/tickets', { site_id: hq.id, kind: 'analysis', title, body: 'Body of ' + title, ...extra });
  ids.plain = (await make('Plain low ticket')).id;
  ids.high = (await make('High priority phishing', { priority: 'high', category_id: email.id })).id;
  ids.branch = (await make('Branch office scan', { site_id: branch.id, category_id: network.id })).id;
  ids.alice = (await make('Assigned to Alice', { assignee_ids: [alice.id] })).id;
  ids.bob = (await make('Approved by Bob someday', { approver_ids: [bob.id], priority: 'medium' })).id;
  ids.tagged = (await make('Tagged for the VIP desk', { tag_ids: [vip.id] })).id;
  ids.closed = (await make('Closed already')).id;
  await admin('POST', `/api/tickets/${ids.closed}/transitions`, { action: 'close' });

  // A ticket opened by a detection rule (created by: system).
  const schema = await admin('POST', '/api/log-schemas', { name: 'fw', fields: [{ name: 'action', type: 'string' }] });
  await admin('POST', '/api/log-tables', { name: 'fw', schema_id: schema.id });
  await admin('POST', '/api/rules', {
    name: 'Denied traffic',
    kind: 'stream',
    table: 'fw',
    condition: { equals: { field: 'action', value: 'deny' } },
    ticket: { site_id: hq.id, priority: 'low', title: 'Rule saw a deny' },
  });
  await admin('POST', '/api/logs/fw', [{ _id: 'fw-1', action: 'deny' }]);
  const system = await admin('GET', '/api/tickets?created_by=system');
  assert.equal(system.items.length, 1);
  ids.system = system.items[0].id;
  ids.all = [ids.plain, ids.high, ids.branch, ids.alice, ids.bob, ids.tagged, ids.closed, ids.system];
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the trend draws the period by status and a legend click hides a series', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await expectRows(page, ids.all, 'every ticket of the last 30 days');
  const chart = page.getByTestId('ticket-trend');
  await chart.locator('svg').waitFor();
  // Today's bar holds Closed (#374151) and New (#6b7280) among others.
  let colours = await barColours(page);
  assert.ok(colours.includes('#374151'), `closed bars drawn: ${colours}`);
  assert.ok(colours.includes('#6b7280'), `new bars drawn: ${colours}`);
  assert.match(await chart.locator('.chart-svg').getAttribute('aria-label'), /: 8 over 3[01] days/);
  await page.screenshot({ path: join(artifacts, 'tickets-list.png') });

  const closed = chart.getByRole('button', { name: 'Closed' });
  assert.equal(await closed.getAttribute('aria-pressed'), 'true');
  await closed.click();
  assert.equal(await closed.getAttribute('aria-pressed'), 'false');
  colours = await barColours(page);
  assert.ok(!colours.includes('#374151'), `closed bars hidden: ${colours}`);
  assert.ok(colours.includes('#6b7280'), 'the other series stay');
  await closed.click();
  assert.ok((await barColours(page)).includes('#374151'), 'shown again');

  // The chart follows the filters too: only closed tickets leave only the Closed colour.
  await page.goto(server.url + '/tickets?status=closed');
  await expectRows(page, [ids.closed], 'closed only');
  await page.waitForFunction(() => {
    const fills = [...document.querySelectorAll('[data-testid="ticket-trend"] svg rect')].map((r) => (r.getAttribute('fill') || '').toLowerCase());
    return fills.includes('#374151') && !fills.includes('#6b7280');
  });
  // Leave no filter saved for the next test.
  await page.getByRole('form', { name: 'Filters' }).getByRole('button', { name: 'Clear filters' }).click();
  await expectRows(page, ids.all, 'cleared');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('each filter narrows the list and lives in the URL', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await expectRows(page, ids.all, 'unfiltered');
  const bar = page.getByRole('form', { name: 'Filters' });
  const clear = bar.getByRole('button', { name: 'Clear filters' });

  await bar.getByLabel('Site', { exact: true }).selectOption({ label: 'Branch' });
  await expectRows(page, [ids.branch], 'site');
  assert.match(page.url(), new RegExp(`site_id=${ids.branchSite}`));
  await clear.click();
  await expectRows(page, ids.all, 'cleared');

  await bar.getByLabel('Category', { exact: true }).selectOption({ label: 'Email' });
  await expectRows(page, [ids.high], 'category');
  await clear.click();

  await bar.locator('summary[aria-label="Priority"]').click();
  await bar.getByRole('list', { name: 'Priority' }).getByLabel('High').check();
  await expectRows(page, [ids.high], 'priority high');
  await bar.getByRole('list', { name: 'Priority' }).getByLabel('Medium').check();
  await expectRows(page, [ids.high, ids.bob], 'priority high or medium');
  assert.match(decodeURIComponent(page.url()), /priority=high,medium/);
  await bar.locator('summary[aria-label="Priority"]').click();
  await clear.click();

  await bar.locator('summary[aria-label="Status"]').click();
  await bar.getByRole('list', { name: 'Status' }).getByLabel('Closed').check();
  await expectRows(page, [ids.closed], 'status closed');
  await bar.getByRole('list', { name: 'Status' }).getByLabel('Assigned').check();
  await expectRows(page, [ids.closed, ids.alice], 'closed or assigned');
  await bar.locator('summary[aria-label="Status"]').click();
  await clear.click();

  await bar.getByLabel('Assignee', { exact: true }).selectOption({ label: 'Alice Kim' });
  await expectRows(page, [ids.alice], 'assignee');
  await clear.click();
  await bar.getByLabel('Approver', { exact: true }).selectOption({ label: 'Bob Lee' });
  await expectRows(page, [ids.bob], 'approver');
  await clear.click();

  await bar.getByLabel('Created by', { exact: true }).selectOption({ label: 'System' });
  await expectRows(page, [ids.system], 'created by system');
  await bar.getByLabel('Created by', { exact: true }).selectOption({ label: 'User' });
  await expectRows(page, ids.all.filter((id) => id !== ids.system), 'created by a user');
  await clear.click();

  await bar.getByLabel('Tag', { exact: true }).selectOption({ label: 'vip' });
  await expectRows(page, [ids.tagged], 'tag');
  await clear.click();

  await bar.getByLabel('Keywords', { exact: true }).fill('phishing');
  await expectRows(page, [ids.high], 'keyword');
  assert.match(page.url(), /q=phishing/);

  // The period: a window that ended yesterday holds nothing.
  await clear.click();
  await expectRows(page, ids.all, 'cleared');
  const yesterday = new Date(Date.now() - 86_400_000);
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await bar.getByLabel('To', { exact: true }).fill(local(yesterday));
  await bar.getByLabel('To', { exact: true }).dispatchEvent('change');
  await page.getByTestId('tickets-empty').waitFor();
  assert.equal(await page.getByTestId('tickets-empty').textContent(), 'No ticket matches these filters.');
  await clear.click();

  // A tag badge in a row filters by that tag.
  await expectRows(page, ids.all, 'cleared');
  await page.locator(`tr[data-row-id="${ids.tagged}"]`).getByRole('button', { name: 'vip', exact: true }).click();
  await expectRows(page, [ids.tagged], 'tag badge');
  assert.match(page.url(), new RegExp(`tag_id=${ids.vip}`));

  // Filters combine, and a shared link opens the same view.
  await page.goto(server.url + `/tickets?site_id=${ids.hq}&priority=low&created_by=user&q=plain`);
  await expectRows(page, [ids.plain], 'combined, from a link');
  assert.equal(await page.getByRole('form', { name: 'Filters' }).getByLabel('Keywords', { exact: true }).inputValue(), 'plain');
  await page.screenshot({ path: join(artifacts, 'tickets-filtered.png') });

  // The last filters are kept for the account: a bare /tickets restores them.
  await page.goto(server.url + '/tickets');
  await expectRows(page, [ids.plain], 'restored');
  assert.match(page.url(), /q=plain/);
  await page.getByRole('form', { name: 'Filters' }).getByRole('button', { name: 'Clear filters' }).click();
  await expectRows(page, ids.all, 'cleared again');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('headers sort the list, and a second click flips the order', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await expectRows(page, ids.all, 'all');
  // Newest first by default.
  assert.deepEqual(await rowIds(page), [...ids.all].sort((a, b) => b - a));
  const priority = page.locator('thead').getByRole('button', { name: 'Priority' });
  // Priority starts with High, then flips.
  await priority.click();
  await page.waitForURL(/sort=priority(&|$)/);
  await page.waitForFunction(() => document.querySelector('th.col-priority').getAttribute('aria-sort') === 'ascending');
  await page.waitForFunction((high) => document.querySelector('tbody tr')?.dataset.rowId === String(high), ids.high);
  await priority.click();
  await page.waitForURL(/sort=-priority/);
  await page.waitForFunction(() => document.querySelector('th.col-priority').getAttribute('aria-sort') === 'descending');
  await page.waitForFunction((high) => document.querySelector('tbody tr:last-child')?.dataset.rowId === String(high), ids.high);
  // Titles A to Z, then Z to A.
  const title = page.locator('thead').getByRole('button', { name: 'Title' });
  await title.click();
  await page.waitForFunction(() => document.querySelector('tbody tr .ticket-title')?.textContent.includes('Approved by Bob someday'));
  await title.click();
  await page.waitForFunction(() => document.querySelector('tbody tr .ticket-title')?.textContent.includes('Tagged for the VIP desk'));
  // Created starts newest first, which is the default (a short URL), then flips to oldest first.
  const created = page.locator('thead').getByRole('button', { name: 'Created' });
  await created.click();
  await page.waitForURL((u) => !u.search.includes('sort='));
  await page.waitForFunction((first) => document.querySelector('tbody tr')?.dataset.rowId === String(first), Math.max(...ids.all));
  await created.click();
  await page.waitForURL(/sort=created_at/);
  await page.waitForFunction((first) => document.querySelector('tbody tr')?.dataset.rowId === String(first), Math.min(...ids.all));
  await created.click();
  await page.waitForURL((u) => !u.search.includes('sort='));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('column settings survive a reload and follow the account to another browser', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'alice', passwordOf('alice'));
  const headers = () => page.locator('thead th[scope="col"]:not(.col-check)').allTextContents();
  await page.locator('tbody tr').first().waitFor();
  const plain = async () => (await headers()).map((h) => h.replace(/[▲▼]/g, ''));
  assert.deepEqual(await plain(), [
    'Category', 'Priority', 'Status', 'Title', 'Assignees', 'Attack', 'Incident', 'Created', 'Explanation status',
  ]);

  await page.getByRole('button', { name: 'Column settings' }).click();
  const dialog = page.getByTestId('column-settings');
  await dialog.getByRole('checkbox', { name: 'Attack', exact: true }).uncheck();
  await dialog.getByRole('checkbox', { name: 'Site', exact: true }).check();
  // Drag Site to the top.
  await dialog.locator('li[data-column="site"]').dragTo(dialog.locator('li[data-column="category"]'));
  // And, with the keyboard-friendly buttons, Modified up one place from the end.
  await dialog.getByRole('checkbox', { name: 'Modified', exact: true }).check();
  await dialog.getByRole('button', { name: 'Move Modified up' }).click();
  await page.screenshot({ path: join(artifacts, 'tickets-column-settings.png') });
  await dialog.getByRole('button', { name: 'Save' }).click();
  const expected = ['Site', 'Category', 'Priority', 'Status', 'Title', 'Assignees', 'Incident', 'Created', 'Explanation status', 'Modified'];
  await page.waitForFunction((n) => document.querySelectorAll('thead th[scope="col"]:not(.col-check)').length === n, expected.length);
  assert.deepEqual(await plain(), expected);
  // The Site cells show the site's name.
  assert.equal(await page.locator(`tr[data-row-id="${ids.branch}"] td.col-site`).textContent(), 'Branch');

  await page.reload();
  await page.locator('tbody tr').first().waitFor();
  assert.deepEqual(await plain(), expected, 'after a reload');

  const elsewhere = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const other = await elsewhere.newPage();
  await signIn(other, server.url, 'alice', passwordOf('alice'));
  await other.locator('tbody tr').first().waitFor();
  await other.waitForFunction((n) => document.querySelectorAll('thead th[scope="col"]:not(.col-check)').length === n, expected.length);
  await elsewhere.close();

  // Another account keeps its own columns; Reset brings the defaults back.
  await page.getByRole('button', { name: 'Column settings' }).click();
  await page.getByTestId('column-settings').getByRole('button', { name: 'Reset' }).click();
  await page.getByTestId('column-settings').getByRole('button', { name: 'Save' }).click();
  await page.waitForFunction(() => document.querySelectorAll('thead th[scope="col"]:not(.col-check)').length === 9);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('auto-refresh picks up a ticket created over the API and keeps selection and scroll', async () => {
  const page = await newPage(browser);
  await page.setViewportSize({ width: 1280, height: 560 });
  await signIn(page, server.url, 'bob', passwordOf('bob'));
  await expectRows(page, ids.all, 'all');
  // Enough rows to scroll.
  const extra = [];
  for (let i = 0; i < 30; i++) {
    extra.push((await admin('POST', '/api/tickets', { site_id: ids.hq, kind: 'analysis', title: `Filler ${i}` })).id);
  }
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await expectRows(page, [...ids.all, ...extra], 'after a manual refresh');

  await page.getByLabel(`Select ticket #${ids.plain}`, { exact: true }).check();
  const scroller = page.locator('.table-scroll');
  await scroller.evaluate((s) => (s.scrollTop = 400));
  const scrolled = await scroller.evaluate((s) => s.scrollTop);
  assert.ok(scrolled > 0, 'the list scrolls');

  await page.getByLabel('Auto-refresh').selectOption({ label: '1 s' });
  const created = await admin('POST', '/api/tickets', { site_id: ids.hq, kind: 'analysis', title: 'Arrived while watching' });
  await page.locator(`tr[data-row-id="${created.id}"]`).waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId('tickets-total').textContent(), `${ids.all.length + extra.length + 1} tickets`);
  assert.equal(await page.getByLabel(`Select ticket #${ids.plain}`, { exact: true }).isChecked(), true, 'the selection is kept');
  const after = await scroller.evaluate((s) => s.scrollTop);
  assert.ok(Math.abs(after - scrolled) < 60, `the scroll position is kept (${scrolled} → ${after})`);

  // The choice is saved for the account.
  await page.reload();
  await page.locator('tbody tr').first().waitFor();
  // The saved choice arrives with the account's preferences, which load beside the list.
  await eventually(async () => (await page.getByLabel('Auto-refresh').inputValue()) === '1', 'the saved interval');
  assert.equal(await page.getByLabel('Auto-refresh').inputValue(), '1');
  await page.getByLabel('Auto-refresh').selectOption({ label: 'Stop' });
  await page.waitForTimeout(300);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('500 rows load as the list scrolls and stay usable', async () => {
  // 520 tickets in a category of their own.
  const bulk = await admin('POST', '/api/ticket-categories', { name: 'Bulk load' });
  for (let i = 0; i < 520; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, j) =>
        admin('POST', '/api/tickets', { site_id: ids.hq, kind: 'analysis', title: `Load ${i + j}`, category_id: bulk.id }),
      ),
    );
  }
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await page.goto(server.url + `/tickets?category_id=${bulk.id}`);
  await page.getByTestId('tickets-total').filter({ hasText: '520 tickets' }).waitFor();
  const scroller = page.locator('.table-scroll');
  const started = Date.now();
  for (let i = 0; i < 20 && (await rowIds(page)).length < 520; i++) {
    await scroller.evaluate((s) => (s.scrollTop = s.scrollHeight));
    await page.waitForTimeout(250);
  }
  assert.equal((await rowIds(page)).length, 520, 'every page loaded while scrolling');
  console.log(`# loaded 520 rows by scrolling in ${Date.now() - started} ms`);
  const tickStarted = Date.now();
  await page.getByLabel('Select all loaded tickets').check();
  await page.getByText('520 selected').waitFor();
  console.log(`# ticking all 520 rows took ${Date.now() - tickStarted} ms`);
  await page.screenshot({ path: join(artifacts, 'tickets-520-rows.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});
