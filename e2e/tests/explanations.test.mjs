// The Explanations screen and the review page in a real browser, with a real SMTP catcher: an
// auditor asks for an explanation with evidence picked from a log search; the violator's mail
// arrives and its link is followed; the manager's review mail links to the review page, where the
// manager returns it; the violator resubmits through the new link (the old one now refused); the
// manager confirms and the auditor confirms as Violated; the list and the trend show it. Plus
// bulk review, bulk delete, filters, and the message a non-employee account gets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, artifacts } from './server.mjs';
import { startMailCatcher, explainPath } from './mail.mjs';
import { apiAs, passwordOf, signIn } from './api.mjs';

let mail;
let server;
let browser;
let admin;
const ids = {};

const to = (address) => (m) => m.split('\n').some((l) => l.trim() === `To: ${address}`);

/** Waits for the `n`-th mail (1-based) to `address` and returns it. */
async function nthMailTo(address, n, label) {
  for (let i = 0; i < 300; i++) {
    const found = mail.messages().filter(to(address));
    if (found.length >= n) return found[n - 1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail #${n} to ${address} (${label}) within 30 s`);
}

const reviewPath = (raw) => {
  const m = raw.match(/\/explanations\/(\d+)\/review/);
  assert.ok(m, `a review link in:\n${raw}`);
  return m[0];
};

/** Submits an explanation on the token page at `path`. */
async function submitOnTokenPage(path, text) {
  const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
  await page.goto(server.url + path);
  await page.getByLabel('Your explanation').fill(text);
  await page.getByRole('button', { name: 'Submit Explanation' }).click();
  await page.getByRole('status').filter({ hasText: 'your explanation was submitted' }).waitFor();
  await page.close();
}

async function account(login, permissions, employeeId) {
  return admin('POST', '/api/accounts', {
    login,
    display_name: login,
    password: passwordOf(login),
    permissions,
    site_ids: [ids.site],
    ...(employeeId ? { employee_id: employeeId } : {}),
  });
}

before(async () => {
  mail = await startMailCatcher();
  server = await startServer({ SMTP_URL: mail.url, SOCDESK_MAIL_POLL: '1' });
  browser = await launchBrowser();
  admin = await apiAs(server.url, 'admin', server.adminPassword);

  ids.site = (await admin('POST', '/api/sites', { name: 'Seoul' })).id;
  const sales = await admin('POST', '/api/departments', { name: 'Sales' });
  await admin('POST', '/api/employees', { id: 'M1', name: 'Manager Min', email: 'm1@example.com', department_id: sales.id, is_manager: true });
  await admin('POST', '/api/employees', { id: 'V1', name: 'Violator Vic', email: 'v1@example.com', department_id: sales.id });
  await admin('POST', '/api/employees', { id: 'A1', name: 'Auditor Ann', email: 'a1@example.com', is_admin: true });
  await admin('POST', '/api/employees', { id: 'V2', name: 'Other Olga', email: 'v2@example.com', department_id: sales.id });
  ids.leak = (await admin('POST', '/api/explanation-categories', { name: 'Data leakage' })).id;
  ids.usb = (await admin('POST', '/api/explanation-categories', { name: 'USB use' })).id;
  await account('analyst', ['TICKET_VIEW', 'TICKET_EDIT', 'EXPLANATION_VIEW', 'EXPLANATION_AUDIT']);
  await account('min', ['EXPLANATION_VIEW'], 'M1');
  await account('ann', ['EXPLANATION_VIEW', 'EXPLANATION_AUDIT'], 'A1');

  const schema = await admin('POST', '/api/log-schemas', {
    name: 'proxy',
    fields: [
      { name: 'url', type: 'string' },
      { name: 'bytes', type: 'integer' },
      { name: 'action', type: 'string' },
    ],
  });
  await admin('POST', '/api/log-tables', { name: 'proxy', schema_id: schema.id });
  const now = Date.now();
  const records = [];
  for (let i = 0; i < 6; i++) {
    records.push({
      _id: `v1-${i}`,
      _time: new Date(now - (i + 1) * 3600_000).toISOString(),
      url: i % 2 ? `https://intranet.example/${i}` : `https://files.example.net/leak-${i}`,
      bytes: 1000 * (i + 1),
      action: 'upload',
      emp_key: 'V1',
    });
  }
  // Another employee's record never shows in V1's evidence search.
  records.push({ _id: 'v2-0', _time: new Date(now - 3600_000).toISOString(), url: 'https://files.example.net/olga', bytes: 1, action: 'upload', emp_key: 'V2' });
  await admin('POST', '/api/logs/proxy', records);

  // A rule ticket whose evidence names V1.
  await admin('POST', '/api/rules', {
    name: 'Upload to file sharing',
    kind: 'stream',
    table: 'proxy',
    condition: { contains: { field: 'url', value: 'share.example' } },
    ticket: { site_id: ids.site, priority: 'high', title: 'Upload to {url}' },
  });
  const ingest = await admin('POST', '/api/logs/proxy', [
    { _id: 'share-1', url: 'https://share.example/q4.xlsx', bytes: 4096, action: 'upload', emp_key: 'V1' },
  ]);
  [ids.ticket] = ingest.created_ticket_ids;
  assert.ok(ids.ticket, 'the rule opened a ticket');
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await mail?.stop();
});

test("an analyst asks from a ticket; return, resubmission, the manager and the auditor; list, trend and the ticket follow", async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'analyst', passwordOf('analyst'));
  await page.goto(server.url + `/tickets?ticket=${ids.ticket}`);
  const ticketPanel = page.getByTestId('ticket-panel');
  await ticketPanel.getByRole('button', { name: 'Explanation Request' }).first().click();
  const panel = page.getByTestId('explanation-request');
  // The ticket's evidence comes with the request.
  await panel.getByTestId('ticket-evidence-note').filter({ hasText: '(1 record)' }).waitFor();
  assert.match(await panel.getByRole('region', { name: "The ticket's evidence" }).textContent(), /share\.example\/q4\.xlsx/);

  // Evidence can be added only once a violator is chosen.
  const addEvidence = panel.getByRole('button', { name: 'Add', exact: true });
  assert.equal(await addEvidence.isDisabled(), true);
  await panel.locator('#x-violator').fill('Vic');
  await panel.getByRole('option', { name: /Violator Vic/ }).click();
  // The manager is the violator's department manager, filled in automatically.
  await panel.getByTestId('x-manager-chosen').filter({ hasText: 'Manager Min' }).waitFor();
  await panel.locator('#x-auditor').fill('A1');
  await panel.locator('#x-auditor').press('ArrowDown');
  await panel.getByRole('option', { name: /Auditor Ann/ }).waitFor();
  await panel.locator('#x-auditor').press('Enter');
  await panel.getByTestId('x-auditor-chosen').filter({ hasText: 'Auditor Ann' }).waitFor();
  await panel.locator('#x-priority').selectOption('high');
  await panel.locator('#x-category').selectOption({ label: 'Data leakage' });
  const message = 'Why were customer files uploaded to files.example.net?';
  await panel.locator('#x-message').fill(message);
  assert.equal(await panel.locator('.counter').last().textContent(), `${message.length} / 10,000`);

  // Saving without a category is refused in place... (category chosen above, so try a past deadline)
  await panel.locator('#x-deadline').fill('2020-01-01T10:00');
  await panel.getByRole('button', { name: 'Save' }).click();
  const deadlineError = panel.locator('#x-deadline ~ .field-error');
  await deadlineError.filter({ hasText: /\S/ }).waitFor();
  const inFiveDays = new Date(Date.now() + 5 * 86_400_000);
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await panel.locator('#x-deadline').fill(local(inFiveDays));

  assert.equal(await addEvidence.isDisabled(), false);
  await addEvidence.click();
  const dialog = page.getByTestId('evidence-dialog');
  await dialog.getByLabel('Keywords', { exact: true }).fill('files.example.net');
  await dialog.getByRole('button', { name: 'Search' }).click();
  await dialog.locator('tbody tr[data-record-id]').first().waitFor();
  // Only V1's three file-sharing uploads: not the intranet ones (AND keywords), not V2's.
  assert.equal(await dialog.locator('tbody tr[data-record-id]').count(), 3);
  assert.doesNotMatch(await dialog.locator('tbody').textContent(), /olga|intranet/);
  // A query expression works as well.
  await dialog.getByLabel('Query expression').check();
  await dialog.getByLabel('Query', { exact: true }).fill('"leak-0" OR "leak-2"');
  await dialog.getByRole('button', { name: 'Search' }).click();
  await dialog.getByText('2 found').waitFor();
  const boxes = dialog.locator('tbody input[type="checkbox"]');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.screenshot({ path: join(artifacts, 'explanation-evidence-dialog.png') });
  await dialog.getByRole('button', { name: 'Add selected logs (2)' }).click();
  assert.equal(await panel.getByRole('region', { name: 'Evidence added' }).locator('tbody tr').count(), 2);
  await page.screenshot({ path: join(artifacts, 'ticket-explanation-request.png') });
  await panel.getByRole('button', { name: 'Save' }).click();

  // Saved: the ticket says so and lists it; its Explanation status in the list behind is New.
  await ticketPanel.getByRole('status').filter({ hasText: /Explanation #\d+ requested/ }).waitFor();
  const statusCell = page.locator(`tr[data-row-id="${ids.ticket}"] td.col-explanation_status`);
  await statusCell.filter({ hasText: 'New' }).waitFor();
  await ticketPanel.getByRole('link', { name: 'Open it' }).click();
  await page.waitForURL(/\/explanations\/\d+\/review$/);
  ids.first = Number(page.url().match(/\/explanations\/(\d+)\/review/)[1]);
  await page.getByRole('heading', { name: /Explanation #\d+ — Violator Vic/ }).waitFor();
  // The ticket's record and the two picked from the search.
  await page.getByRole('tab', { name: 'proxy (3)' }).waitFor();
  assert.equal(await page.getByRole('region', { name: 'proxy records' }).locator('tbody tr').count(), 3);
  // The analyst has no employee: the review controls are replaced by the reason.
  assert.match(await page.getByTestId('review-forbidden').textContent(), /only by employee accounts/);
  await page.screenshot({ path: join(artifacts, 'explanation-review-non-employee.png'), fullPage: true });

  // The violator's mail, its link, the submission.
  const request = await nthMailTo('v1@example.com', 1, 'request');
  const firstLink = explainPath(request);
  await submitOnTokenPage(firstLink, 'The upload was for the audit firm, as agreed with Min.');

  // The manager follows the review mail: signed out, through the login page and back.
  const review = await nthMailTo('m1@example.com', 1, 'review request');
  assert.match(review, /Subject: \[socdesk\] Explanation to review: Violator Vic/);
  const manager = await newPage(browser);
  await manager.goto(server.url + reviewPath(review));
  await manager.waitForURL(/\/login\?next=/);
  await manager.getByLabel('Login').fill('min');
  await manager.getByLabel('Password').fill(passwordOf('min'));
  await manager.getByLabel('Password').press('Enter');
  await manager.waitForURL(new RegExp(`/explanations/${ids.first}/review$`));
  await manager.getByText('The upload was for the audit firm').waitFor();
  // Returning needs a comment.
  await manager.getByRole('button', { name: 'Return' }).click();
  await manager.getByRole('alert').filter({ hasText: 'returning needs a comment' }).waitFor();
  await manager.locator('#review-comment').fill('Attach the agreement with the audit firm, please.');
  await manager.getByRole('button', { name: 'Return' }).click();
  await manager.getByRole('status').filter({ hasText: 'now Returned' }).waitFor();
  await manager.screenshot({ path: join(artifacts, 'explanation-review-returned.png'), fullPage: true });

  // A new link; the old one is refused.
  const returned = await nthMailTo('v1@example.com', 2, 'return notice');
  assert.match(returned, /Subject: \[socdesk\] Your explanation was returned/);
  const secondLink = explainPath(returned);
  assert.notEqual(secondLink, firstLink);
  const stale = await browser.newPage({ viewport: { width: 375, height: 740 } });
  await stale.goto(server.url + firstLink);
  await stale.getByRole('heading', { name: 'This link no longer works' }).waitFor();
  await stale.close();
  await submitOnTokenPage(secondLink, 'Here is the agreement number: AF-2026-17.');

  // The manager confirms; the auditor is asked.
  await nthMailTo('m1@example.com', 2, 'second review request');
  await manager.reload();
  await manager.getByText('AF-2026-17').waitFor();
  await manager.locator('#review-comment').fill('Agreed beforehand.');
  await manager.getByRole('button', { name: 'Confirm as Normal' }).click();
  await manager.getByRole('status').filter({ hasText: 'now Awaiting' }).waitFor();
  // Nothing left for the manager to decide.
  await manager.getByTestId('review-not-yours').waitFor();
  await manager.close();

  const toAuditor = await nthMailTo('a1@example.com', 1, 'auditor review request');
  const auditor = await newPage(browser);
  await signIn(auditor, server.url, 'ann', passwordOf('ann'));
  await auditor.goto(server.url + reviewPath(toAuditor));
  await auditor.getByRole('button', { name: 'Confirm as Violated' }).waitFor();
  assert.equal(await auditor.getByTestId('violator-record').locator('dd').first().textContent(), '1');
  await auditor.locator('#review-comment').fill('Customer data may not leave the company, agreement or not.');
  await auditor.getByRole('button', { name: 'Confirm as Violated' }).click();
  await auditor.getByRole('status').filter({ hasText: 'now Audit-completed' }).waitFor();
  await auditor.screenshot({ path: join(artifacts, 'explanation-review-completed.png'), fullPage: true });

  // The list and the trend show it.
  await auditor.getByRole('link', { name: 'Explanations', exact: true }).first().click();
  const row = auditor.locator(`tr[data-row-id="${ids.first}"]`);
  await row.waitFor();
  assert.equal((await row.locator('td.col-status').textContent()).trim(), 'Audit-completed');
  assert.equal((await row.locator('td.col-result').textContent()).trim(), 'Violated');
  await auditor.getByRole('radio', { name: 'Result' }).click();
  await auditor.waitForURL(/view=result/);
  await auditor.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="explanation-trend"] svg rect')].some((r) => (r.getAttribute('fill') || '').toLowerCase() === '#dc2626'),
  );
  await auditor.getByTestId('explanation-trend').getByRole('button', { name: 'Violated' }).waitFor();
  await auditor.screenshot({ path: join(artifacts, 'explanations-list-result-trend.png') });
  const over = await admin('GET', `/api/explanations/${ids.first}`);
  assert.equal(over.status, 'audit_completed');
  assert.equal(over.result, 'violated');
  assert.equal(over.evidence_count, 3);
  assert.equal(over.ticket.id, ids.ticket);
  // And the ticket's Explanation status follows.
  await page.goto(server.url + '/tickets');
  await page.locator(`tr[data-row-id="${ids.ticket}"] td.col-explanation_status`).filter({ hasText: 'Audit-completed' }).waitFor();
  assert.deepEqual(page.errors, []);
  assert.deepEqual(auditor.errors, []);
  await auditor.close();
  await page.close();
});

test('the Add panel on the Explanations screen asks for one; the list shows it and follows the submission', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'analyst', passwordOf('analyst'));
  await page.getByRole('link', { name: 'Explanations' }).click();
  await page.waitForURL(/\/explanations$/);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const panel = page.getByTestId('explanation-add-panel');
  await panel.getByRole('heading', { name: 'Add explanation' }).waitFor();
  // Saving with nothing chosen names the violator first, in place.
  await panel.getByRole('button', { name: 'Save' }).click();
  await panel.getByRole('alert').filter({ hasText: 'Choose the violator.' }).waitFor();
  await panel.locator('#x-violator').fill('Olga');
  await panel.getByRole('option', { name: /Other Olga/ }).click();
  await panel.getByTestId('x-manager-chosen').filter({ hasText: 'Manager Min' }).waitFor();
  // The manager can be changed by hand.
  await panel.getByRole('button', { name: 'Change Manager Min' }).click();
  await panel.locator('#x-manager').fill('Ann');
  await panel.getByRole('option', { name: /Auditor Ann/ }).click();
  await panel.locator('#x-category').selectOption({ label: 'Data leakage' });
  await panel.locator('#x-message').fill('x'.repeat(10_001));
  assert.equal(await panel.locator('.counter.over').count(), 1, 'the counter shows the excess');
  await panel.getByRole('button', { name: 'Save' }).click();
  await panel.getByRole('alert').filter({ hasText: 'At most 10,000 characters.' }).waitFor();
  await panel.locator('#x-message').fill('Why was a USB stick used on the shop PC?');
  await page.screenshot({ path: join(artifacts, 'explanation-add-panel.png') });
  await panel.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/explanations\/\d+\/review$/);
  const id = Number(page.url().match(/\/explanations\/(\d+)\/review/)[1]);
  const made = await admin('GET', `/api/explanations/${id}`);
  assert.equal(made.manager.id, 'A1', 'the manager chosen by hand');
  assert.equal(made.category.name, 'Data leakage');

  await page.getByRole('link', { name: 'Explanations', exact: true }).first().click();
  const row = page.locator(`tr[data-row-id="${id}"]`);
  await row.locator('td.col-status').filter({ hasText: 'New' }).waitFor();
  const request = await nthMailTo('v2@example.com', 1, 'request to Olga');
  await submitOnTokenPage(explainPath(request), 'IT lent it to me for the till update.');
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await row.locator('td.col-status').filter({ hasText: 'Submitted' }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('bulk review needs the opinion and reports each request; bulk delete removes them', async () => {
  const deadline = new Date(Date.now() + 3 * 86_400_000).toISOString();
  const made = [];
  for (const message of ['One', 'Two', 'Three']) {
    made.push((await admin('POST', '/api/explanations', { violator_id: 'V2', category_id: ids.usb, deadline, message })).id);
  }
  const page = await newPage(browser);
  await signIn(page, server.url, 'ann', passwordOf('ann'));
  await page.goto(server.url + `/explanations?category_id=${ids.usb}`);
  await page.getByTestId('explanations-total').filter({ hasText: '3 explanations' }).waitFor();
  await page.getByLabel('Select all loaded explanations').check();
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Review' }).click();
  const dialog = page.getByTestId('bulk-review');
  await dialog.getByLabel('Confirm as Normal').check();
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await dialog.getByRole('alert').filter({ hasText: "The auditor's opinion is required." }).waitFor();
  await dialog.getByLabel("Auditor's Opinion").fill('USB use was approved by IT for all three.');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  const results = page.getByTestId('bulk-results');
  await results.getByText('3 explanations changed.').waitFor();
  assert.equal(await results.locator('tbody tr').count(), 3);
  await page.screenshot({ path: join(artifacts, 'explanations-bulk-results.png') });
  await results.getByRole('button', { name: 'Close', exact: true }).click();
  for (const id of made) {
    const e = await admin('GET', `/api/explanations/${id}`);
    assert.equal(e.status, 'audit_completed');
    assert.equal(e.result, 'normal');
  }
  for (const id of made) {
    await page.locator(`tr[data-row-id="${id}"] td.col-status`).filter({ hasText: 'Audit-completed' }).waitFor();
  }

  // The status filter narrows the list.
  await page.goto(server.url + `/explanations?status=audit_completed`);
  await page.getByTestId('explanations-total').filter({ hasText: '4 explanations' }).waitFor();
  await page.goto(server.url + `/explanations?status=new`);
  await page.getByTestId('explanations-empty').waitFor();

  // Delete two of them.
  await page.goto(server.url + `/explanations?category_id=${ids.usb}`);
  await page.getByTestId('explanations-total').filter({ hasText: '3 explanations' }).waitFor();
  await page.getByLabel(`Select explanation #${made[0]}`, { exact: true }).check();
  await page.getByLabel(`Select explanation #${made[1]}`, { exact: true }).check();
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Delete' }).click();
  await page.getByTestId('bulk-delete').getByRole('button', { name: 'Delete' }).click();
  await page.getByTestId('bulk-results').getByText('2 explanations deleted.').waitFor();
  await page.getByTestId('bulk-results').getByRole('button', { name: 'Close', exact: true }).click();
  await page.getByTestId('explanations-total').filter({ hasText: '1 explanation' }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});
