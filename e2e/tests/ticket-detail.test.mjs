// The ticket detail side panel in a real browser against the real server: opened from the list,
// the title edited in place (empty refused, a concurrent change answered 412 and reloaded), a
// rule's ticket read-only with its evidence as a table and its related tickets; a memo written
// in Markdown, previewed, saved with a file, and the changes in the History tab; the body and a
// detection ticket's fields edited; the whole workflow walked by an assignee and an approver,
// with only the buttons the API allows each of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, artifacts } from './server.mjs';
import { apiAs, createAccount, passwordOf, signIn } from './api.mjs';

let server;
let browser;
let admin;
let site;
let analyst;
let approver;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await apiAs(server.url, 'admin', server.adminPassword);
  site = await admin('POST', '/api/sites', { name: 'Seoul' });
  await admin('POST', '/api/ticket-categories', { name: 'Network' });
  await admin('POST', '/api/tags', { name: 'phishing', color: '#fde047' });
  await admin('POST', '/api/tags', { name: 'vip', color: '#1d4ed8' });
  analyst = await createAccount(admin, 'analyst', ['TICKET_VIEW', 'TICKET_EDIT'], [site.id], 'Analyst Kim');
  approver = await createAccount(admin, 'approver', ['TICKET_VIEW'], [site.id], 'Approver Lee');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A hand-made analysis ticket on Seoul. */
const analysisTicket = (extra = {}) =>
  admin('POST', '/api/tickets', {
    site_id: site.id,
    kind: 'analysis',
    title: 'Suspicious login from 203.0.113.9',
    body: 'Seen **twice** in one hour.',
    body_format: 'markdown',
    ...extra,
  });

const panel = (page) => page.getByTestId('ticket-panel');
const ticketOf = (id) => admin('GET', `/api/tickets/${id}`);

/** Opens a ticket's panel straight from its URL and waits for it to load. */
async function openTicket(page, id) {
  await page.goto(`${server.url}/tickets?ticket=${id}`);
  await panel(page).getByTestId('ticket-detail').waitFor();
}

/** The workflow actions the panel offers: its buttons and dropdown options, sorted. */
async function shownActions(page) {
  const actions = await panel(page)
    .locator('[data-action]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
  return actions.sort();
}

async function statusText(page) {
  return (await panel(page).getByTestId('ticket-status').locator('.badge').textContent()).trim();
}

test('the panel opens from the list; the title is edited in place; empty and stale saves are refused in place', async () => {
  const ticket = await analysisTicket();
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await page.getByRole('button', { name: /Suspicious login from 203\.0\.113\.9/ }).click();
  await panel(page).getByTestId('ticket-detail').waitFor();
  assert.match(page.url(), new RegExp(`[?&]ticket=${ticket.id}\\b`));
  // The body as the server rendered it; the title in its input with a counter.
  assert.equal(await panel(page).getByTestId('ticket-body').locator('strong').textContent(), 'twice');
  const title = panel(page).getByLabel('Title', { exact: true });
  assert.equal(await title.inputValue(), 'Suspicious login from 203.0.113.9');
  assert.equal(await panel(page).locator('#ticket-title-count').textContent(), '33 / 255');
  const save = panel(page).locator('.title-form').getByRole('button', { name: 'Save' });
  assert.equal(await save.isDisabled(), true, 'nothing to save yet');
  await page.screenshot({ path: join(artifacts, 'detail-opened.png') });

  // Empty is refused in place, without a request and without moving anything.
  const patches = [];
  page.on('request', (r) => r.method() === 'PATCH' && patches.push(r.url()));
  const tabsBefore = await panel(page).locator('.detail-tabs').boundingBox();
  await title.fill('   ');
  await save.click();
  await panel(page).getByRole('alert').filter({ hasText: 'The title cannot be empty.' }).waitFor();
  assert.deepEqual(await panel(page).locator('.detail-tabs').boundingBox(), tabsBefore, 'the error must not move the tabs');
  assert.equal(patches.length, 0);

  // A real edit: trimmed, saved, and the list row behind shows it.
  await title.fill('  Brute force against VPN gateway  ');
  await save.click();
  await panel(page).locator('#ticket-title-note').getByText('Saved').waitFor();
  const saved = await ticketOf(ticket.id);
  assert.equal(saved.title, 'Brute force against VPN gateway');
  assert.equal(saved.version, ticket.version + 1);
  const row = page.locator('.tickets-table tbody tr', { hasText: `#${ticket.id}` });
  await row.getByText('Brute force against VPN gateway').waitFor();

  // Someone else changes the ticket meanwhile: 412, said in place, with a reload.
  await admin('PATCH', `/api/tickets/${ticket.id}`, { priority: 'high' });
  await title.fill('Brute force against VPN gateway (blocked)');
  await save.click();
  const stale = panel(page).locator('#ticket-title-note');
  await stale.getByText(/Someone else changed this ticket/).waitFor();
  await page.screenshot({ path: join(artifacts, 'detail-title-stale.png') });
  await stale.getByRole('button', { name: 'Reload the ticket' }).click();
  // The reload brings the other change in and keeps what was typed, ready to save again.
  await panel(page).locator('#ticket-priority').filter({ has: page.locator('option:checked', { hasText: 'High' }) }).waitFor();
  assert.equal(await title.inputValue(), 'Brute force against VPN gateway (blocked)');
  await save.click();
  await stale.getByText('Saved').waitFor();
  assert.equal((await ticketOf(ticket.id)).title, 'Brute force against VPN gateway (blocked)');

  // Whatever the server refuses is said in place, in its words (here a 403, as a rule's ticket
  // would get if the panel took it for a hand-made one).
  await page.route(`**/api/tickets/${ticket.id}`, (route) =>
    route.request().method() === 'PATCH'
      ? route.fulfill({
          status: 403,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            type: 'about:blank', title: 'Forbidden', status: 403,
            detail: 'this ticket was opened by a detection rule: its title, body and fields cannot be edited',
          }),
        })
      : route.continue(),
  );
  await title.fill('Anything');
  await save.click();
  await stale.getByRole('alert').filter({ hasText: /^This ticket was opened by a detection rule/ }).waitFor();
  assert.equal(await stale.getByRole('button', { name: 'Reload the ticket' }).count(), 0, 'no reload offered for a 403');
  await page.unroute(`**/api/tickets/${ticket.id}`);

  // Esc closes the panel.
  await title.press('Escape');
  await panel(page).waitFor({ state: 'detached' });
  assert.doesNotMatch(page.url(), /ticket=/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** A firewall log table and a stream rule opening a ticket per source address. */
async function denyRule() {
  const schema = await admin('POST', '/api/log-schemas', {
    name: 'firewall',
    fields: [
      { name: 'src_ip', type: 'ip' },
      { name: 'dst_ip', type: 'ip' },
      { name: 'action', type: 'string' },
      { name: 'user', type: 'string' },
      { name: 'bytes', type: 'integer' },
    ],
  });
  await admin('POST', '/api/log-tables', { name: 'fw', schema_id: schema.id });
  return admin('POST', '/api/rules', {
    name: 'Denied from inside',
    kind: 'stream',
    table: 'fw',
    condition: { equals: { field: 'action', value: 'deny', ignore_case: true } },
    ticket: {
      site_id: site.id,
      priority: 'high',
      title: 'Denied traffic from {src_ip}',
      body: 'User **{user}** was blocked',
      fields: [
        { name: 'Source IP', from: 'src_ip' },
        { name: 'Destination IP', from: 'dst_ip' },
        { name: 'User', from: 'user' },
      ],
    },
    dedup_fields: ['src_ip'],
    dedup_window_secs: 3600,
  });
}

test('a rule ticket shows its title and body read-only with the reason, its evidence as a table, and related tickets', async () => {
  await denyRule();
  const deny = (id, src, time, user) => ({
    _id: id, _time: time, src_ip: src, dst_ip: '192.168.0.1', action: 'DENY', user, bytes: 10,
  });
  const ingest = await admin('POST', '/api/logs/fw', [
    deny('r1', '10.0.0.5', '2026-11-22T10:00:00Z', 'kim'),
    deny('r2', '10.0.0.5', '2026-11-22T10:05:00Z', 'kim'),
    deny('r3', '10.0.0.9', '2026-11-22T10:07:00Z', 'lee'),
  ]);
  assert.equal(ingest.created_ticket_ids.length, 2, JSON.stringify(ingest));
  const [id, otherId] = ingest.created_ticket_ids;
  const ticket = await ticketOf(id);
  assert.equal(ticket.created_by, 'system');
  assert.equal(ticket.duplicate_count, 2);

  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await openTicket(page, id);
  const p = panel(page);
  // Read-only, with the reason; no title input, no Edit.
  assert.equal((await p.getByTestId('ticket-title').textContent()).trim(), 'Denied traffic from 10.0.0.5');
  assert.match(await p.getByTestId('lock-note').textContent(), /Tickets opened by a detection rule cannot have their title or body edited/);
  assert.equal(await p.locator('#ticket-title').count(), 0);
  assert.equal(await p.getByTestId('edit-body').count(), 0);
  await p.getByText('Read-only', { exact: true }).waitFor();
  // The fields and the rendered body.
  const fields = await p.getByTestId('ticket-fields').locator('tr').evaluateAll((rows) =>
    rows.map((r) => [r.querySelector('th').textContent, r.querySelector('td').textContent]),
  );
  assert.deepEqual(fields, [['Source IP', '10.0.0.5'], ['Destination IP', '192.168.0.1'], ['User', 'kim']]);
  assert.equal(await p.getByTestId('ticket-body').locator('strong').textContent(), 'kim');
  // The facts of a rule ticket.
  const facts = await p.getByTestId('ticket-facts').textContent();
  assert.match(facts, /Duplicates\s*2/);
  assert.match(facts, /Registered by\s*Rule #\d+/);

  // Details is the first tab and selected; the evidence is a table, `_time` first.
  const tabs = await p.locator('.detail-tablist').getByRole('tab').allTextContents();
  assert.deepEqual(tabs, ['Details', 'Tasks', 'Memo', 'History', 'Explanations']);
  assert.equal(await p.getByRole('tab', { name: 'Details' }).getAttribute('aria-selected'), 'true');
  const table = p.getByTestId('evidence-table');
  await table.waitFor();
  const head = await table.locator('thead th').allTextContents();
  assert.equal(head[0], '_time');
  for (const column of ['_id', 'src_ip', 'dst_ip', 'action', 'user', 'bytes']) {
    assert.ok(head.includes(column), `column ${column} in ${head}`);
  }
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 2);
  const col = (name) => head.indexOf(name);
  assert.deepEqual(rows.map((r) => r[col('_id')]), ['r1', 'r2']);
  assert.deepEqual(rows.map((r) => r[col('src_ip')]), ['10.0.0.5', '10.0.0.5']);
  assert.equal(rows[0][col('bytes')], '10');
  assert.match(rows[0][0], /^2026-11-22 \d\d:00:00$/, 'the time reads yyyy-MM-dd HH:mm:ss');
  assert.match(await p.getByText(/^2 records$/).textContent(), /2 records/);

  // The other ticket shares the destination address; a click opens it in the panel.
  const related = p.getByTestId('related-tickets');
  await related.waitFor();
  const item = related.locator('li.related-item', { hasText: `#${otherId}` });
  assert.match(await item.textContent(), /Denied traffic from 10\.0\.0\.9/);
  assert.match(await item.locator('.matched').textContent(), /192\.168\.0\.1/);
  // A CIDR that is not one is refused in place.
  await p.getByLabel('Also inside network (CIDR)').fill('10.0.0.0/99');
  await p.getByRole('button', { name: 'Search' }).click();
  await p.locator('#related-cidr-error').getByText(/must be a network/i).waitFor();
  await p.getByLabel('Also inside network (CIDR)').fill('10.0.0.0/24');
  await p.getByRole('button', { name: 'Search' }).click();
  await item.locator('.matched', { hasText: /cidr/ }).waitFor();
  await page.screenshot({ path: join(artifacts, 'detail-system-ticket.png') });
  await item.getByRole('button', { name: /Denied traffic from 10\.0\.0\.9/ }).click();
  await page.waitForURL(new RegExp(`ticket=${otherId}\\b`));
  await p.getByTestId('ticket-title').filter({ hasText: 'Denied traffic from 10.0.0.9' }).waitFor();

  // Properties of a rule ticket still change.
  await p.getByLabel('Priority').selectOption('medium');
  await p.locator('#ticket-priority-note').getByText('Saved').waitFor();
  assert.equal((await ticketOf(otherId)).priority, 'medium');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a memo is written in Markdown, previewed, saved with its file; the History tab lists every change', async () => {
  const ticket = await analysisTicket({ title: 'Malware beacon on ws-042' });
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await openTicket(page, ticket.id);
  const p = panel(page);
  // A hand-made analysis ticket has no Details tab; Memo is shown first.
  assert.deepEqual(await p.locator('.detail-tablist').getByRole('tab').allTextContents(), ['Tasks', 'Memo', 'History', 'Explanations']);
  assert.equal(await p.getByRole('tab', { name: 'Memo' }).getAttribute('aria-selected'), 'true');
  await p.getByText('No memo yet.', { exact: false }).waitFor();

  const form = p.locator('.memo-form');
  await form.getByRole('button', { name: 'Save memo' }).click();
  await form.getByRole('alert').filter({ hasText: 'a memo cannot be empty' }).waitFor();

  await p.getByLabel('New memo').fill('Blocked the **source** at the firewall.\n\n- checked the proxy logs');
  await form.getByRole('tab', { name: 'Preview' }).click();
  await form.locator('.md-preview strong').filter({ hasText: 'source' }).waitFor();
  assert.equal(await form.locator('.md-preview li').textContent(), 'checked the proxy logs');
  await form.locator('#memo-files').setInputFiles({
    name: 'capture.txt', mimeType: 'text/plain', buffer: Buffer.from('GET /beacon HTTP/1.1'),
  });
  await form.locator('.file-name', { hasText: 'capture.txt' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'detail-memo-preview.png') });
  await form.getByRole('button', { name: 'Save memo' }).click();

  // The memo appears as the server rendered it, with its file; the editor is empty again.
  const memo = p.getByTestId('memo');
  await memo.waitFor();
  assert.equal(await memo.locator('.memo-body strong').textContent(), 'source');
  assert.equal(await memo.locator('.memo-author').textContent(), 'admin');
  assert.equal(await p.getByLabel('New memo').inputValue(), '');
  assert.equal(await form.locator('.file-name').count(), 0, 'the picked files were attached and cleared');
  const memos = await admin('GET', `/api/tickets/${ticket.id}/memos`);
  assert.equal(memos.length, 1);
  assert.match(memos[0].body_html, /<strong>source<\/strong>/);
  assert.deepEqual(memos[0].attachments.map((a) => a.file_name), ['capture.txt']);
  // The file downloads with the session's token.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    memo.getByRole('button', { name: 'capture.txt' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'capture.txt');
  // The sidebar lists it with the memos' files, which cannot be removed.
  const files = p.getByTestId('attachments');
  await files.getByText('From memos', { exact: false }).waitFor();
  await files.getByRole('button', { name: 'capture.txt', exact: true }).waitFor();
  assert.equal(await files.getByRole('button', { name: 'Remove capture.txt' }).count(), 0);
  await page.screenshot({ path: join(artifacts, 'detail-memo-saved.png') });

  // Two more changes from the sidebar: priority, and tags through their dialog.
  await p.getByLabel('Priority').selectOption('high');
  await p.locator('#ticket-priority-note').getByText('Saved').waitFor();
  await p.getByRole('button', { name: 'Edit tags' }).click();
  const dialog = page.getByTestId('tag-dialog');
  await dialog.getByRole('checkbox', { name: 'phishing' }).check();
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await p.getByTestId('tags').locator('.tag', { hasText: 'phishing' }).waitFor();
  assert.deepEqual((await ticketOf(ticket.id)).tags.map((t) => t.name), ['phishing']);
  await p.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.screenshot({ path: join(artifacts, 'detail-sidebar-bottom.png') });
  await p.evaluate((el) => { el.scrollTop = 0; });

  // Arrow keys move between the tabs; History lists every change, oldest first.
  await p.getByRole('tab', { name: 'Memo' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await p.getByRole('tab', { name: 'History' }).getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ticket-tab-history');
  const history = p.getByTestId('history-table');
  await history.locator('tbody tr[data-field="tags"]').waitFor();
  const rows = await history.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].slice(1, 4).map((c) => c.textContent.trim())),
  );
  assert.deepEqual(rows, [
    ['admin', 'Created', 'New'],
    ['admin', 'Memo', `memo #${memos[0].id}`],
    ['admin', 'Priority', 'Low → High'],
    ['admin', 'Tags', 'none → phishing'],
  ]);
  await page.screenshot({ path: join(artifacts, 'detail-history.png') });
  await page.keyboard.press('End');
  assert.equal(await p.getByRole('tab', { name: 'Explanations' }).getAttribute('aria-selected'), 'true');
  await p.getByText('No explanation has been requested for this ticket.').waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("the body is edited in the Markdown editor, a detection ticket's fields as a list; body files are added and removed", async () => {
  const ticket = await analysisTicket({ title: 'Phishing mail to finance' });
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await openTicket(page, ticket.id);
  const p = panel(page);

  // Cancel discards, Save sends.
  await p.getByTestId('edit-body').click();
  const editor = p.getByRole('textbox', { name: 'Content', exact: true });
  assert.equal(await editor.inputValue(), 'Seen **twice** in one hour.');
  await editor.fill('Not this');
  await p.locator('.body-editor').getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await p.getByTestId('ticket-body').locator('strong').textContent(), 'twice');
  await p.getByTestId('edit-body').click();
  await editor.fill('Reported by **three** people.');
  await p.locator('.body-editor').getByRole('tab', { name: 'Preview' }).click();
  await p.locator('.body-editor .md-preview strong').filter({ hasText: 'three' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'detail-body-editor.png') });
  await p.locator('.body-editor').getByRole('button', { name: 'Save' }).click();
  await p.getByTestId('ticket-body').locator('strong').filter({ hasText: 'three' }).waitFor();
  assert.equal((await ticketOf(ticket.id)).body, 'Reported by **three** people.');

  // Files of the body: upload, attach, remove.
  const files = p.getByTestId('attachments');
  await files.locator('#ticket-files').setInputFiles({
    name: 'headers.eml', mimeType: 'message/rfc822', buffer: Buffer.from('From: ceo@examp1e.com'),
  });
  await files.getByRole('button', { name: 'Attach 1 file' }).click();
  await files.getByRole('button', { name: 'headers.eml', exact: true }).waitFor();
  assert.deepEqual((await admin('GET', `/api/tickets/${ticket.id}/attachments`)).map((a) => a.file_name), ['headers.eml']);
  await files.getByRole('button', { name: 'Remove headers.eml' }).click();
  await page.getByTestId('remove-file-dialog').getByRole('button', { name: 'Remove' }).click();
  await files.getByText('No files.').waitFor();
  assert.deepEqual(await admin('GET', `/api/tickets/${ticket.id}/attachments`), []);
  // Both changed the ticket's version: a later edit still saves (no 412).
  await p.getByLabel('Title', { exact: true }).fill('Phishing mail to finance (3 reports)');
  await p.locator('.title-form').getByRole('button', { name: 'Save' }).click();
  await p.locator('#ticket-title-note').getByText('Saved').waitFor();

  // A detection ticket: change a value, add a field, remove one.
  const detection = await admin('POST', '/api/tickets', {
    site_id: site.id,
    kind: 'detection',
    title: 'Port scan from 10.1.1.1',
    fields: [{ name: 'Source IP', value: '10.1.1.1' }, { name: 'Host', value: 'ws-042' }],
  });
  await openTicket(page, detection.id);
  await p.getByTestId('edit-body').click();
  await p.getByLabel('Value of Host').fill('ws-043');
  await p.getByRole('button', { name: '+ Add field' }).click();
  // The new row's name has the focus.
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Name of field 3');
  await page.keyboard.type('Protocol');
  await p.getByLabel('Value of Protocol').fill('tcp');
  await p.getByRole('button', { name: 'Remove field Source IP' }).click();
  await p.getByRole('button', { name: '+ Add field' }).click();
  await p.locator('.fields-editor').getByRole('button', { name: 'Save' }).click();
  await p.locator('.fields-editor').getByRole('alert').filter({ hasText: 'Field 3 needs a name.' }).waitFor();
  await p.getByRole('button', { name: 'Remove field', exact: true }).click();
  await page.screenshot({ path: join(artifacts, 'detail-fields-editor.png') });
  await p.locator('.fields-editor').getByRole('button', { name: 'Save' }).click();
  await p.getByTestId('ticket-fields').waitFor();
  const shown = await p.getByTestId('ticket-fields').locator('tr').evaluateAll((rows) =>
    rows.map((r) => [r.querySelector('th').textContent, r.querySelector('td').textContent]),
  );
  assert.deepEqual(shown, [['Host', 'ws-043'], ['Protocol', 'tcp']]);
  assert.deepEqual((await ticketOf(detection.id)).fields, [
    { name: 'Host', value: 'ws-043' },
    { name: 'Protocol', value: 'tcp' },
  ]);
  // A detection ticket made by hand has a Details tab (empty evidence) first.
  assert.equal((await p.locator('.detail-tablist').getByRole('tab').allTextContents())[0], 'Details');
  await p.getByText('This ticket has no evidence records.').waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the workflow, walked by an admin, an assignee and an approver, shows each only the buttons the API allows', async () => {
  const ticket = await analysisTicket({ title: 'Data exfiltration over DNS' });
  assert.equal(ticket.status, 'new');
  const analystApi = await apiAs(server.url, 'analyst', passwordOf('analyst'));
  const approverApi = await apiAs(server.url, 'approver', passwordOf('approver'));
  const allowedFor = async (api) => (await api('GET', `/api/tickets/${ticket.id}`)).allowed_actions.sort();

  /** A signed-in page of its own (each page has its own browser context, so its own storage). */
  const pageAs = async (login, password) => {
    const page = await newPage(browser);
    await signIn(page, server.url, login, password);
    await openTicket(page, ticket.id);
    return page;
  };
  /** Takes `action` through its dialog, with an optional comment, and waits for `status`. */
  const take = async (page, open, comment, status) => {
    await open();
    const dialog = page.getByTestId('transition-dialog');
    if (comment) await dialog.getByLabel('Comment (optional)').fill(comment);
    await dialog.getByTestId('confirm-transition').click();
    await dialog.waitFor({ state: 'detached' });
    await panel(page).getByTestId('ticket-status').locator('.badge', { hasText: status }).waitFor();
  };
  const check = async (page, api, status, note) => {
    assert.equal(await statusText(page), status, note);
    assert.deepEqual(await shownActions(page), await allowedFor(api), `${note}: the buttons are what the API allows`);
  };

  // Admin: New, not an assignee or approver; assigns through the user search dialog.
  const adminPage = await pageAs('admin', server.adminPassword);
  const a = panel(adminPage);
  await check(adminPage, admin, 'New', 'admin, new');
  assert.equal(await a.getByTestId('assigned-task').count(), 0);
  assert.equal(await a.getByTestId('approval-status').count(), 0);
  // Esc in a dialog closes the dialog, not the panel; the focus comes back to the status.
  await a.getByTestId('change-status').getByRole('button', { name: 'Close' }).click();
  await adminPage.getByTestId('transition-dialog').waitFor();
  await adminPage.keyboard.press('Escape');
  await adminPage.getByTestId('transition-dialog').waitFor({ state: 'detached' });
  await adminPage.waitForFunction(() => document.activeElement?.id === 'ticket-status-now');
  assert.equal(await a.count(), 1, 'the panel stays open');
  assert.equal(await statusText(adminPage), 'New', 'nothing was sent');
  await a.getByRole('button', { name: 'Edit assignees' }).click();
  let picker = adminPage.getByTestId('account-picker');
  await picker.getByLabel('Search accounts').fill('analyst');
  await picker.getByLabel('Analyst Kim (analyst)').check();
  await adminPage.screenshot({ path: join(artifacts, 'detail-assign-dialog.png') });
  await picker.getByRole('button', { name: 'Confirm' }).click();
  await a.getByTestId('ticket-status').locator('.badge', { hasText: 'Assigned' }).waitFor();
  await a.getByTestId('assignees').getByText('Analyst Kim').waitFor();
  await a.getByRole('button', { name: 'Edit approvers' }).click();
  picker = adminPage.getByTestId('account-picker');
  await picker.getByLabel('Search accounts').fill('Lee');
  await picker.getByLabel('Approver Lee (approver)').check();
  await picker.getByRole('button', { name: 'Confirm' }).click();
  await a.getByTestId('approvers').getByText('Approver Lee').waitFor();
  await check(adminPage, admin, 'Assigned', 'admin, assigned');
  const saved = await ticketOf(ticket.id);
  assert.deepEqual(saved.assignees.map((x) => x.login), ['analyst']);
  assert.deepEqual(saved.approvers.map((x) => x.login), ['approver']);

  // The assignee: Start work from the Assigned task dropdown, then Submit Approval.
  const analystPage = await pageAs('analyst', passwordOf('analyst'));
  const n = panel(analystPage);
  await check(analystPage, analystApi, 'Assigned', 'assignee, assigned');
  assert.equal(await n.getByTestId('approval-status').count(), 0, 'the assignee is not an approver');
  assert.deepEqual(await n.locator('#assigned-task option[data-action]').allTextContents(), ['Start work']);
  await n.getByTestId('approval').getByRole('button', { name: 'Submit Approval' }).waitFor();
  await take(analystPage, () => n.getByLabel('Assigned task').selectOption('start'), 'Looking into the resolver logs', 'In Progress');
  await check(analystPage, analystApi, 'In Progress', 'assignee, in progress');
  assert.deepEqual(await n.locator('#assigned-task option[data-action]').allTextContents(), ['Back to assigned']);
  await analystPage.screenshot({ path: join(artifacts, 'detail-assignee-in-progress.png') });
  await take(analystPage, () => n.getByRole('button', { name: 'Submit Approval' }).click(), null, 'Submitted');
  await check(analystPage, analystApi, 'Submitted', 'assignee, submitted');
  assert.equal(await n.getByRole('button', { name: 'Submit Approval' }).count(), 0);
  assert.equal(await n.getByLabel('Assigned task').isDisabled(), true, 'nothing for the assignee to do now');

  // The approver: Approve from the Approval status dropdown, then Close; cannot Reopen.
  const approverPage = await pageAs('approver', passwordOf('approver'));
  const v = panel(approverPage);
  await check(approverPage, approverApi, 'Submitted', 'approver, submitted');
  assert.equal(await v.getByRole('button', { name: 'Submit Approval' }).count(), 0, 'the approver does not submit');
  assert.equal(await v.getByTestId('assigned-task').count(), 0, 'the approver is not an assignee');
  assert.deepEqual(await v.locator('#approval-status option[data-action]').allTextContents(), ['Approve', 'Reject']);
  // A non-editor sees the properties but cannot change them.
  assert.equal(await v.getByLabel('Priority').isDisabled(), true);
  assert.equal(await v.getByRole('button', { name: 'Edit assignees' }).count(), 0);
  await approverPage.screenshot({ path: join(artifacts, 'detail-approver-submitted.png') });
  await take(approverPage, () => v.getByLabel('Approval status').selectOption('approve'), 'Good work', 'Approved');
  await check(approverPage, approverApi, 'Approved', 'approver, approved');
  await take(approverPage, () => v.getByTestId('change-status').getByRole('button', { name: 'Close' }).click(), null, 'Closed');
  await check(approverPage, approverApi, 'Closed', 'approver, closed');
  assert.equal(await v.getByRole('button', { name: 'Reopen' }).count(), 0, 'only editors reopen');
  assert.match(await v.getByTestId('ticket-facts').textContent(), /Closed\s*\d{4}-\d\d-\d\d/);

  // Admin reopens: back to Assigned (it has an assignee).
  await openTicket(adminPage, ticket.id);
  await check(adminPage, admin, 'Closed', 'admin, closed');
  await take(adminPage, () => a.getByRole('button', { name: 'Reopen' }).click(), 'More to check', 'Assigned');
  await check(adminPage, admin, 'Assigned', 'admin, reopened');

  // The assignee's page catches up on reload; the history has every step with its comment.
  await openTicket(analystPage, ticket.id);
  await check(analystPage, analystApi, 'Assigned', 'assignee, reopened');
  await n.getByRole('tab', { name: 'History' }).click();
  const statusRows = n.getByTestId('history-table').locator('tbody tr[data-field="status"]');
  await statusRows.nth(5).waitFor();
  const steps = await statusRows.evaluateAll((trs) => trs.map((tr) => [...tr.cells].slice(1).map((c) => c.textContent.trim())));
  assert.deepEqual(steps, [
    ['admin', 'Status', 'New → Assigned', ''],
    ['analyst', 'Status', 'Assigned → In Progress', 'Looking into the resolver logs'],
    ['analyst', 'Status', 'In Progress → Submitted', ''],
    ['approver', 'Status', 'Submitted → Approved', 'Good work'],
    ['approver', 'Status', 'Approved → Closed', ''],
    ['admin', 'Status', 'Closed → Assigned', 'More to check'],
  ]);
  await analystPage.screenshot({ path: join(artifacts, 'detail-workflow-history.png') });

  // A transition refused by the server (the ticket was closed behind the page's back) is said
  // in place, and the dialog stays open until cancelled.
  await take(analystPage, () => n.getByLabel('Assigned task').selectOption('start'), null, 'In Progress');
  await admin('POST', `/api/tickets/${ticket.id}/transitions`, { action: 'close' });
  await n.getByLabel('Assigned task').selectOption('back_to_assigned');
  const dialog = analystPage.getByTestId('transition-dialog');
  await dialog.getByTestId('confirm-transition').click();
  await dialog.getByRole('alert').filter({ hasText: /status is closed/ }).waitFor();
  await analystPage.screenshot({ path: join(artifacts, 'detail-transition-refused.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  // The refusal brought the panel up to date: Closed, and Reopen for this editor.
  await n.getByTestId('ticket-status').locator('.badge', { hasText: 'Closed' }).waitFor();
  await check(analystPage, analystApi, 'Closed', 'assignee, closed behind its back');
  await n.getByTestId('history-table').locator('tr[data-field="status"]', { hasText: 'In Progress → Closed' }).waitFor();
  for (const page of [adminPage, analystPage, approverPage]) {
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});
