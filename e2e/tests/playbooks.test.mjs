// Playbooks in a real browser against the real server: an administrator builds a playbook in
// Settings > Playbooks (a refused webhook URL shown beside its field, the step removed, saved),
// runs it from the bulk toolbar on two tickets (results per ticket), and a ticket's Tasks tab
// shows each step done, with the ticket changed as the steps said.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, artifacts, eventually } from './server.mjs';
import { apiAs, signIn } from './api.mjs';

let server;
let browser;
let admin;
let seoul;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await apiAs(server.url, 'admin', server.adminPassword);
  seoul = await admin('POST', '/api/sites', { name: 'Seoul' });
  await admin('POST', '/api/tags', { name: 'contained', color: '#16a34a' });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const row = (page, id) =>
  page.locator('tbody tr').filter({ has: page.getByRole('checkbox', { name: `Select ticket #${id}`, exact: true }) });

test('an admin builds a playbook, runs it on two tickets from the bulk toolbar, and sees the tasks done', async () => {
  const ids = [];
  for (const title of ['Beacon to 198.51.100.7', 'Beacon to 198.51.100.8']) {
    ids.push((await admin('POST', '/api/tickets', { site_id: seoul.id, kind: 'analysis', title })).id);
  }
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);

  // Settings > Playbooks: a new playbook with three steps.
  await page.goto(server.url + '/settings/playbooks');
  await page.getByTestId('add-playbook').click();
  const form = page.getByTestId('playbook-form');
  await form.getByLabel('Name').fill('Contain');
  await form.getByLabel('Description').fill('First response');
  const addKind = form.getByLabel('Kind of step to add');
  const addStep = form.getByRole('button', { name: 'Add step' });
  await addKind.selectOption('set_priority');
  await addStep.click();
  await addKind.selectOption('add_tags');
  await addStep.click();
  await form.getByRole('checkbox', { name: 'contained' }).check();
  await addKind.selectOption('call_webhook');
  await addStep.click();
  const steps = form.getByTestId('playbook-step');
  await eventually(async () => (await steps.count()) === 3, 'three steps');
  await steps.nth(2).getByLabel('URL').fill('ftp://hooks.example.com/x');
  await form.getByRole('button', { name: 'Save playbook' }).click();

  // The refusal shows beside the URL of step 3; removing the step and saving again works.
  const urlError = steps.nth(2).locator('.form-field-error').filter({ hasText: 'only http and https URLs are called' });
  await urlError.waitFor();
  await page.screenshot({ path: join(artifacts, 'playbook-editor-error.png') });
  await form.getByRole('button', { name: 'Remove step 3' }).click();
  await eventually(async () => (await steps.count()) === 2, 'two steps');
  await form.getByRole('button', { name: 'Save playbook' }).click();
  // Saved: the panel becomes the playbook's own, and the list shows it.
  await page.getByTestId('playbook-panel').getByRole('heading', { name: 'Contain' }).waitFor();
  await page.getByRole('button', { name: 'Contain', exact: true }).waitFor();
  await page.screenshot({ path: join(artifacts, 'playbook-editor.png') });
  const books = await admin('GET', '/api/playbooks');
  assert.equal(books.total, 1);
  assert.deepEqual(
    books.items[0].steps.map((s) => s.kind),
    ['set_priority', 'add_tags'],
  );

  // The bulk toolbar: Run Playbook on both tickets.
  await page.goto(server.url + '/tickets');
  for (const id of ids) {
    await row(page, id).waitFor();
    await page.getByRole('checkbox', { name: `Select ticket #${id}`, exact: true }).check();
  }
  await page.getByTestId('bulk-count').filter({ hasText: '2 selected' }).waitFor();
  await page.getByTestId('bulk-run-playbook').click();
  const dialog = page.getByTestId('run-playbook-dialog');
  await dialog.getByRole('radio').first().check();
  await page.screenshot({ path: join(artifacts, 'playbook-run-dialog.png') });
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  const results = page.getByTestId('bulk-results');
  await results.waitFor();
  assert.equal(await page.getByTestId('bulk-summary').textContent(), '2 tickets started.');
  const lines = await results
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => [Number(r.dataset.resultId), r.cells[1].textContent.trim()]));
  assert.deepEqual(lines.sort(), ids.map((id) => [id, 'OK']).sort());
  await results.getByRole('button', { name: 'Close', exact: true }).click();

  // A ticket's Tasks tab: both steps done (it polls while they run).
  await page.goto(`${server.url}/tickets?ticket=${ids[0]}`);
  const panel = page.getByTestId('ticket-panel');
  await panel.getByTestId('ticket-detail').waitFor();
  await panel.getByRole('tab', { name: 'Tasks' }).click();
  const tasks = panel.getByTestId('tasks-tab');
  await tasks.locator('tr[data-task-status="done"]').nth(1).waitFor({ timeout: 30_000 });
  const shown = await tasks
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => [r.cells[1].textContent.trim(), r.cells[2].textContent.trim()]));
  assert.deepEqual(shown, [
    ['Set priority', 'Done'],
    ['Add tags', 'Done'],
  ]);
  await page.screenshot({ path: join(artifacts, 'playbook-tasks-tab.png') });

  for (const id of ids) {
    const t = await eventually(async () => {
      const t = await admin('GET', `/api/tickets/${id}`);
      return t.priority === 'high' && t.tags.length === 1 ? t : null;
    }, `ticket ${id} changed by the playbook`);
    assert.equal(t.tags[0].name, 'contained');
  }
  assert.deepEqual(page.errors, []);
});
