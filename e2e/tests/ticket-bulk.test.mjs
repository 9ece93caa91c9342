// The bulk toolbar in a real browser against the real server: three ticked tickets closed with one
// shared reason (over the API, in the list's badges and in the results dialog, with the pending
// state while the request is out); Change Assignee through the user search dialog; Apply Tag, then
// Apply Tag with none ticked removing every tag; Change Attack and Change Incident; and a bulk
// close where one ticket was closed meanwhile and another moved to a site the analyst cannot see:
// each refusal and its reason listed, the selection kept and narrowed to the refused ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, artifacts } from './server.mjs';
import { apiAs, createAccount, passwordOf, signIn } from './api.mjs';

let server;
let browser;
let admin;
let seoul;
let busan;
let ana;
let phishing;
let vip;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await apiAs(server.url, 'admin', server.adminPassword);
  seoul = await admin('POST', '/api/sites', { name: 'Seoul' });
  busan = await admin('POST', '/api/sites', { name: 'Busan' });
  ana = await createAccount(admin, 'ana', ['TICKET_VIEW', 'TICKET_EDIT'], [seoul.id], 'Ana Analyst');
  await createAccount(admin, 'bo', ['TICKET_VIEW', 'TICKET_EDIT'], [seoul.id], 'Bo Approver');
  phishing = await admin('POST', '/api/tags', { name: 'phishing', color: '#dc2626' });
  vip = await admin('POST', '/api/tags', { name: 'vip', color: '#fde047' });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens tickets on Seoul over the API; resolves with their ids. */
async function tickets(...titles) {
  const ids = [];
  for (const title of titles) {
    ids.push((await admin('POST', '/api/tickets', { site_id: seoul.id, kind: 'analysis', title })).id);
  }
  return ids;
}

async function tick(page, ids) {
  for (const id of ids) {
    await page.getByRole('checkbox', { name: `Select ticket #${id}`, exact: true }).check();
  }
  await page.getByTestId('bulk-count').filter({ hasText: `${ids.length} selected` }).waitFor();
}

/** The list's row of ticket `id` (found by its tick box, whatever the row's markup). */
const row = (page, id) =>
  page.locator('tbody tr').filter({ has: page.getByRole('checkbox', { name: `Select ticket #${id}`, exact: true }) });

/** The results dialog's rows as [id, result, details]. */
async function results(page) {
  const dialog = page.getByTestId('bulk-results');
  await dialog.waitFor();
  return dialog.locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => [Number(r.dataset.resultId), ...[...r.cells].slice(1).map((c) => c.textContent.trim())]),
  );
}

test('three ticked tickets close with one shared reason; the results dialog lists each', async () => {
  const ids = await tickets('Beacon to 198.51.100.7', 'Beacon to 198.51.100.8', 'Beacon to 198.51.100.9');
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await row(page, ids[2]).waitFor();
  assert.equal(await page.getByTestId('bulk-toolbar').count(), 0, 'no toolbar before ticking');
  await tick(page, ids);
  await page.screenshot({ path: join(artifacts, 'ticket-bulk-toolbar.png') });

  await page.getByRole('button', { name: 'Change Status' }).click();
  await page.getByRole('menuitem', { name: 'Restart' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'ticket-bulk-status-menu.png') });
  await page.getByRole('menuitem', { name: 'Close' }).click();
  const dialog = page.getByTestId('bulk-status-dialog');
  await dialog.getByRole('heading', { name: 'Close 3 tickets' }).waitFor();
  await dialog.getByLabel('Reason (optional)').fill('False alarm: the scanner of the red team');

  // Hold the answer back to see the pending state.
  let release;
  const held = new Promise((r) => (release = r));
  const sent = [];
  await page.route('**/api/tickets/bulk', async (route) => {
    sent.push(route.request().postDataJSON());
    await held;
    await route.continue();
  });
  await dialog.getByRole('button', { name: 'Close tickets' }).click();
  await page.getByTestId('bulk-state').filter({ hasText: 'Close: applying to 3 tickets…' }).waitFor();
  for (const name of ['Change Assignee', 'Change Approver', 'Change Status', 'Apply Tag', 'Change Attack']) {
    assert.equal(await page.getByRole('button', { name }).isDisabled(), true, `${name} is disabled while pending`);
  }
  release();

  assert.deepEqual(sent, [
    {
      ids: [...ids].sort((a, b) => a - b),
      action: 'close',
      comment: 'False alarm: the scanner of the red team',
      assignee_ids: null,
      approver_ids: null,
      tag_ids: null,
      attack: null,
      incident: null,
    },
  ]);
  assert.deepEqual(await results(page), ids.map((id) => [id, 'OK', 'Status now Closed']));
  assert.equal(await page.getByTestId('bulk-summary').textContent(), '3 tickets changed.');
  await page.screenshot({ path: join(artifacts, 'ticket-bulk-close-results.png') });
  await page.getByTestId('bulk-results').getByRole('button', { name: 'Close', exact: true }).click();

  // The list shows them closed, and the selection is kept.
  for (const id of ids) {
    await row(page, id).locator('.status').filter({ hasText: 'Closed' }).waitFor();
  }
  assert.equal(await page.getByTestId('bulk-count').textContent(), '3 selected');
  for (const id of ids) {
    const ticket = await admin('GET', `/api/tickets/${id}`);
    assert.equal(ticket.status, 'closed');
    assert.ok(ticket.closed_at);
    const history = await admin('GET', `/api/tickets/${id}/history`);
    const closing = history.find((h) => h.field === 'status' && h.new_value === 'closed');
    assert.equal(closing?.comment, 'False alarm: the scanner of the red team');
  }
  await page.screenshot({ path: join(artifacts, 'ticket-bulk-closed-list.png') });
  await page.getByRole('button', { name: 'Clear selection' }).click();
  await page.getByTestId('bulk-toolbar').waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Change Assignee through the user search dialog; tags applied, then all removed; attack and incident', async () => {
  const ids = await tickets('Mail with a macro', 'Mail with a link');
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await row(page, ids[1]).waitFor();
  await tick(page, ids);

  await page.getByRole('button', { name: 'Change Assignee' }).click();
  const picker = page.getByTestId('account-picker');
  await picker.getByLabel('Search accounts').fill('ana');
  await picker.getByRole('checkbox', { name: 'Ana Analyst (ana)' }).check();
  await picker.getByRole('button', { name: 'Apply to 2 tickets' }).click();
  assert.deepEqual(await results(page), ids.map((id) => [id, 'OK', 'Status now Assigned']));
  await page.getByTestId('bulk-results').getByRole('button', { name: 'Close', exact: true }).click();
  for (const id of ids) {
    await row(page, id).filter({ hasText: 'Ana Analyst' }).waitFor();
    const ticket = await admin('GET', `/api/tickets/${id}`);
    assert.deepEqual(ticket.assignees.map((a) => a.id), [ana.id]);
    assert.equal(ticket.status, 'assigned', 'a new ticket with an assignee is assigned');
  }

  // Change Approver with nobody chosen clears the approvers (none yet: still OK for each).
  await page.getByRole('button', { name: 'Change Approver' }).click();
  await picker.getByText('Nobody chosen (confirming clears)').waitFor();
  await picker.getByRole('button', { name: 'Apply to 2 tickets' }).click();
  assert.deepEqual((await results(page)).map((r) => r[1]), ['OK', 'OK']);
  await page.getByTestId('bulk-results').getByRole('button', { name: 'Close', exact: true }).click();

  // Apply Tag: both tags.
  await page.getByRole('button', { name: 'Apply Tag' }).click();
  const tags = page.getByTestId('bulk-tags-dialog');
  await tags.getByRole('checkbox', { name: 'phishing' }).check();
  await tags.getByRole('checkbox', { name: 'vip' }).check();
  assert.equal(await tags.getByTestId('tags-warning').textContent(), '');
  await tags.getByRole('button', { name: 'Apply tags' }).click();
  assert.equal(await page.getByTestId('bulk-summary').textContent(), '2 tickets changed.');
  await page.getByTestId('bulk-results').getByRole('button', { name: 'Close', exact: true }).click();
  for (const id of ids) {
    await row(page, id).locator('.tag', { hasText: 'vip' }).waitFor();
    const ticket = await admin('GET', `/api/tickets/${id}`);
    assert.deepEqual(ticket.tags.map((t) => t.id).sort(), [phishing.id, vip.id].sort());
  }

  // Apply Tag with none ticked: the dialog says it removes every tag, and it does.
  await page.getByRole('button', { name: 'Apply Tag' }).click();
  await tags.getByRole('checkbox', { name: 'phishing' }).waitFor();
  assert.equal(
    await tags.getByTestId('tags-warning').textContent(),
    'No tag is ticked: confirming removes every tag from the 2 tickets selected.',
  );
  await page.screenshot({ path: join(artifacts, 'ticket-bulk-remove-tags.png') });
  await tags.getByRole('button', { name: 'Remove all tags' }).click();
  assert.match(await page.getByTestId('bulk-results').getByRole('heading').textContent(), /Remove all tags/);
  await page.getByTestId('bulk-results').getByRole('button', { name: 'Close', exact: true }).click();
  for (const id of ids) {
    await row(page, id).locator('.tag').first().waitFor({ state: 'detached' });
    assert.deepEqual((await admin('GET', `/api/tickets/${id}`)).tags, []);
  }

  // Change Attack and Change Incident straight from their menus.
  await page.getByRole('button', { name: 'Change Attack' }).click();
  await page.getByRole('menuitem', { name: 'True positive' }).click();
  await page.getByTestId('bulk-results').getByRole('button', { name: 'Close', exact: true }).click();
  await page.getByRole('button', { name: 'Change Incident' }).click();
  await page.getByRole('menuitem', { name: 'Incident', exact: true }).click();
  await page.getByTestId('bulk-results').getByRole('button', { name: 'Close', exact: true }).click();
  for (const id of ids) {
    await row(page, id).filter({ hasText: 'True positive' }).waitFor();
    const ticket = await admin('GET', `/api/tickets/${id}`);
    assert.equal(ticket.attack, 'true_positive');
    assert.equal(ticket.incident, 'incident');
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('refused tickets are listed with their reasons; the selection narrows to them for a retry', async () => {
  const [open, closedMeanwhile, moved] = await tickets('Brute force on vpn', 'Brute force on mail', 'Brute force on git');
  const page = await newPage(browser);
  await signIn(page, server.url, 'ana', passwordOf('ana'));
  await row(page, moved).waitFor();
  await tick(page, [open, closedMeanwhile, moved]);

  // After ticking: someone closes one, and another moves to a site ana cannot see.
  await admin('POST', `/api/tickets/${closedMeanwhile}/transitions`, { action: 'close' });
  const { version } = await admin('GET', `/api/tickets/${moved}`);
  const patched = await fetch(`${server.url}/api/tickets/${moved}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}`, 'if-match': `"${version}"` },
    body: JSON.stringify({ site_id: busan.id }),
  });
  assert.equal(patched.status, 200);

  await page.getByRole('button', { name: 'Change Status' }).click();
  await page.getByRole('menuitem', { name: 'Close' }).click();
  await page.getByTestId('bulk-status-dialog').getByRole('button', { name: 'Close tickets' }).click();
  const listed = Object.fromEntries((await results(page)).map(([id, ...rest]) => [id, rest]));
  assert.deepEqual(listed[open], ['OK', 'Status now Closed']);
  assert.deepEqual(listed[closedMeanwhile], ['Refused', 'Not possible now: cannot close a ticket whose status is closed; allowed actions: reopen, restart']);
  assert.deepEqual(listed[moved], ['Refused', 'Not found (or not visible to you): ticket not found']);
  assert.equal(await page.getByTestId('bulk-summary').textContent(), '1 changed, 2 refused.');
  await page.screenshot({ path: join(artifacts, 'ticket-bulk-refused.png') });
  assert.equal((await admin('GET', `/api/tickets/${open}`)).status, 'closed');
  assert.equal((await admin('GET', `/api/tickets/${moved}`)).status, 'new', 'the moved ticket is untouched');

  // Keep only the refused ones ticked, to try them again.
  await page.getByRole('button', { name: 'Select only the refused' }).click();
  await page.getByTestId('bulk-results').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('bulk-count').textContent(), '2 selected');
  const box = (id) => page.getByRole('checkbox', { name: `Select ticket #${id}`, exact: true });
  assert.equal(await box(closedMeanwhile).isChecked(), true);
  assert.equal(await box(open).isChecked(), false);

  // Restart the one still visible and refused: it goes back to New.
  await page.getByRole('button', { name: 'Change Status' }).click();
  await page.getByRole('menuitem', { name: 'Restart' }).click();
  await page.getByTestId('bulk-status-dialog').getByRole('button', { name: 'Restart tickets' }).click();
  const retried = Object.fromEntries((await results(page)).map(([id, ...rest]) => [id, rest]));
  assert.deepEqual(retried[closedMeanwhile], ['OK', 'Status now New']);
  assert.equal(retried[moved][0], 'Refused');
  await page.getByTestId('bulk-results').getByRole('button', { name: 'Clear selection' }).click();
  await page.getByTestId('bulk-toolbar').waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('an account without TICKET_EDIT can tick and clear but is offered no bulk action', async () => {
  await tickets('Visible to the viewer');
  await createAccount(admin, 'viewer', ['TICKET_VIEW'], [seoul.id], 'Vera Viewer');
  const page = await newPage(browser);
  await signIn(page, server.url, 'viewer', passwordOf('viewer'));
  const first = page.locator('tbody tr').first();
  await first.waitFor();
  await first.getByRole('checkbox').check();
  const toolbar = page.getByTestId('bulk-toolbar');
  await toolbar.getByText('Bulk actions need the TICKET_EDIT permission.').waitFor();
  assert.equal(await toolbar.getByRole('button', { name: 'Change Status' }).count(), 0);
  await toolbar.getByRole('button', { name: 'Clear selection' }).click();
  await toolbar.waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
  await page.close();
});
