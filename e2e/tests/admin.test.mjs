// Settings in a real browser against the real server: an admin creates an account and its API
// key (the secret shown once, and working); a non-admin is told Settings need ADMIN; catalogues
// add, rename and delete with a 409 said in place; a CSV import reports its bad row; a department
// moved under its own child is refused in place; a mail template with an unknown placeholder is
// refused, a good one previews, saves and resets; the token expiry option is saved; a stream rule
// built in the editor opens a ticket from an ingested record (and a suppression swallows one);
// the outbox shows the mail of an explanation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, artifacts, eventually } from './server.mjs';
import { apiAs, createAccount, passwordOf, signIn } from './api.mjs';

let server;
let browser;
let admin;
const ids = {};

/** A fetch with a bearer token that resolves with { status, body }. */
async function call(method, path, token, body, contentType = 'application/json') {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}


async function adminPage() {
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  return page;
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await apiAs(server.url, 'admin', server.adminPassword);
  ids.hq = (await admin('POST', '/api/sites', { name: 'HQ', description: 'Head office' })).id;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an admin creates an account with permissions and a site, and an API key shown once that works', async () => {
  const page = await adminPage();
  // The Settings link is in the main navigation for administrators.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.waitForURL(/\/settings\/accounts$/);
  await page.getByTestId('accounts-total').filter({ hasText: '1 account' }).waitFor();

  await page.getByRole('button', { name: 'Add account' }).click();
  const panel = page.getByTestId('account-panel');
  await panel.getByLabel('Login', { exact: true }).fill('carol');
  await panel.getByLabel('Display name').fill('Carol Park');
  await panel.getByLabel('Email').fill('carol@example.com');
  // A short password is refused in place, under the field.
  await panel.getByLabel('Password', { exact: true }).fill('short');
  await panel.getByRole('checkbox', { name: /^TICKET_VIEW/ }).check();
  await panel.getByRole('checkbox', { name: /^TICKET_EDIT/ }).check();
  await panel.getByRole('checkbox', { name: 'HQ' }).check();
  await panel.getByRole('button', { name: 'Create account' }).click();
  await panel.getByTestId('account-password-error').filter({ hasText: /\S/ }).waitFor();
  assert.match(await panel.getByTestId('account-password-error').textContent(), /12/);
  await panel.getByLabel('Password', { exact: true }).fill('carol-password-1234');
  await panel.getByRole('button', { name: 'Create account' }).click();
  // The panel becomes the new account's, with its API keys.
  await panel.getByRole('heading', { name: 'Carol Park (carol)' }).waitFor();
  await page.locator('tbody tr', { hasText: 'carol@example.com' }).waitFor();
  const created = (await admin('GET', '/api/accounts?q=carol')).items[0];
  assert.deepEqual(created.permissions.sort(), ['TICKET_EDIT', 'TICKET_VIEW']);
  assert.deepEqual(created.site_ids, [ids.hq]);
  assert.equal(created.enabled, true);

  // An edit sends only what changed.
  await panel.getByLabel('Display name').fill('Carol Park-Lee');
  const patch = page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith(`/api/accounts/${created.id}`));
  await panel.getByRole('button', { name: 'Save changes' }).click();
  assert.deepEqual((await patch).postDataJSON(), { display_name: 'Carol Park-Lee' });
  await panel.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

  // A key: its secret shows once, with a copy button and the warning.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await panel.getByLabel('Key name').fill('SIEM pipeline');
  await panel.getByRole('button', { name: 'Create key' }).click();
  const secretBox = panel.getByTestId('api-key-secret');
  await secretBox.waitFor();
  assert.match(await secretBox.textContent(), /will not be shown again/);
  const secret = await secretBox.getByLabel('API key secret').inputValue();
  assert.match(secret, /^sd_/);
  await secretBox.getByRole('button', { name: 'Copy' }).click();
  await secretBox.getByRole('status').filter({ hasText: /Copied|Ctrl\+C/ }).waitFor();
  await page.screenshot({ path: join(artifacts, 'admin-account-key.png') });
  // The key works against the API as the account.
  const me = await call('GET', '/api/me', secret);
  assert.equal(me.status, 200);
  assert.equal(me.body.login, 'carol');
  assert.equal(me.body.auth_method, 'api_key');

  await secretBox.getByRole('button', { name: 'Done' }).click();
  await secretBox.waitFor({ state: 'detached' });
  const keyRow = panel.getByTestId('api-keys').locator('tbody tr', { hasText: 'SIEM pipeline' });
  await keyRow.getByText('Active').waitFor();
  assert.ok(!(await page.content()).includes(secret), 'the secret is gone from the page');
  // Reopened, the account shows the key's prefix, never its secret.
  await panel.getByRole('button', { name: 'Close panel' }).click();
  await page.getByRole('button', { name: 'carol', exact: true }).click();
  await panel.getByTestId('api-keys').locator('tbody tr', { hasText: 'SIEM pipeline' }).waitFor();
  assert.equal(await panel.getByTestId('api-key-secret').count(), 0);

  // Revoking asks first; then the key stops working at once.
  await panel.getByRole('button', { name: 'Revoke SIEM pipeline' }).click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Revoke' }).click();
  await panel.getByTestId('api-keys').locator('tbody tr', { hasText: 'SIEM pipeline' }).getByText('Revoked').waitFor();
  assert.equal((await call('GET', '/api/me', secret)).status, 401);

  // Deleting one's own account is refused, and the reason shows in the question.
  await panel.getByRole('button', { name: 'Close panel' }).click();
  await page.getByRole('button', { name: 'admin', exact: true }).click();
  await panel.getByRole('button', { name: 'Delete account' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await confirm.getByTestId('confirm-error').filter({ hasText: /your own account/ }).waitFor();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await page.screenshot({ path: join(artifacts, 'admin-accounts.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a non-admin sees that Settings need ADMIN, and no Settings link', async () => {
  await createAccount(admin, 'dave', ['TICKET_VIEW'], [ids.hq], 'Dave Analyst');
  const page = await newPage(browser);
  await signIn(page, server.url, 'dave', passwordOf('dave'));
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Tickets' }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Settings' }).count(), 0);
  await page.goto(server.url + '/settings');
  const message = page.getByTestId('settings-forbidden');
  await message.waitFor();
  assert.match(await message.textContent(), /ADMIN permission/);
  assert.match(await message.textContent(), /dave/);
  assert.equal(await page.getByRole('navigation', { name: 'Settings' }).count(), 0);
  await page.screenshot({ path: join(artifacts, 'admin-forbidden.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('sites, categories and tags: add, rename, delete, and a 409 shown in place', async () => {
  const inUse = await admin('POST', '/api/sites', { name: 'Plant' });
  await admin('POST', '/api/tickets', { site_id: inUse.id, kind: 'analysis', title: 'Keeps Plant in use' });
  const page = await adminPage();
  await page.goto(server.url + '/settings/sites');
  const table = page.getByTestId('catalogue-table');
  await table.locator('tbody tr', { hasText: 'Plant' }).waitFor();

  const add = page.getByRole('form', { name: 'New site' });
  await add.getByLabel('Name').fill('Lab');
  await add.getByLabel('Description').fill('Research lab');
  await add.getByRole('button', { name: 'Add' }).click();
  await table.locator('tbody tr', { hasText: 'Research lab' }).waitFor();
  // The name field is empty and focused again, ready for the next one.
  assert.equal(await add.getByLabel('Name').inputValue(), '');

  // A taken name is refused (409) and said in place, in the add row.
  await add.getByLabel('Name').fill('Plant');
  await add.getByRole('button', { name: 'Add' }).click();
  await add.getByTestId('form-error').filter({ hasText: /already exists/ }).waitFor();

  // Rename in place: Enter saves.
  await table.getByRole('button', { name: 'Edit Lab' }).click();
  const editName = table.getByLabel('Name');
  await editName.fill('Lab 2');
  await editName.press('Enter');
  await table.locator('tbody tr', { hasText: 'Lab 2' }).getByRole('button', { name: 'Edit Lab 2' }).waitFor();

  // A site with tickets is kept: the 409 shows in the question, which stays open.
  await table.getByRole('button', { name: 'Delete Plant' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await confirm.getByTestId('confirm-error').filter({ hasText: /in use/ }).waitFor();
  await page.screenshot({ path: join(artifacts, 'admin-sites-409.png') });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await table.getByRole('button', { name: 'Delete Lab 2' }).click();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await table.locator('tbody tr', { hasText: 'Lab 2' }).waitFor({ state: 'detached' });
  const sites = (await admin('GET', '/api/sites')).items.map((s) => s.name).sort();
  assert.deepEqual(sites, ['HQ', 'Plant']);

  // Ticket categories and explanation categories work the same way.
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Ticket categories' }).click();
  await page.getByTestId('catalogue-empty').waitFor();
  await page.getByRole('form', { name: 'New ticket category' }).getByLabel('Name').fill('Malware');
  await page.getByRole('form', { name: 'New ticket category' }).getByRole('button', { name: 'Add' }).click();
  await table.locator('tbody tr', { hasText: 'Malware' }).waitFor();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Explanation categories' }).click();
  await page.getByRole('form', { name: 'New explanation category' }).getByLabel('Name').fill('Data leak');
  await page.getByRole('form', { name: 'New explanation category' }).getByRole('button', { name: 'Add' }).click();
  await table.locator('tbody tr', { hasText: 'Data leak' }).waitFor();

  // Tags carry a colour, typed or picked.
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Tags' }).click();
  const addTag = page.getByRole('form', { name: 'New tag' });
  await addTag.getByLabel('Name').fill('urgent');
  await addTag.getByLabel('Colour as #rrggbb').fill('#dc2626');
  await addTag.getByRole('button', { name: 'Add' }).click();
  await table.locator('tbody tr', { hasText: '#dc2626' }).waitFor();
  // A colour that is not #rrggbb is refused under the colour.
  await addTag.getByLabel('Name').fill('odd');
  await addTag.getByLabel('Colour as #rrggbb').fill('red');
  await addTag.getByRole('button', { name: 'Add' }).click();
  await addTag.getByTestId('new-item-color-error').filter({ hasText: /\S/ }).waitFor();
  const tags = (await admin('GET', '/api/tags')).items;
  assert.deepEqual(tags.map((t) => [t.name, t.color]), [['urgent', '#dc2626']]);
  await page.screenshot({ path: join(artifacts, 'admin-tags.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a CSV import with a good and a bad row reports the bad row by number and lists the good employee', async () => {
  const page = await adminPage();
  await page.goto(server.url + '/settings/employees');
  await page.getByTestId('employees-empty').waitFor();
  await page.getByRole('button', { name: 'Import CSV' }).click();
  const dialog = page.getByTestId('import-dialog');
  const csv = [
    'employee_id,name,email,department,manager,admin,language',
    'E2001,Park Jisoo,park@example.com,HQ/Operations,Y,N,ko',
    'E2002,Bad Email,not-an-email,HQ/Operations,N,N,',
  ].join('\n');
  await dialog.getByLabel('CSV file').setInputFiles({ name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await dialog.getByLabel('Encoding').selectOption('utf-8');
  const upload = page.waitForRequest((r) => r.url().includes('/api/employees/import'));
  await dialog.getByRole('button', { name: 'Import' }).click();
  assert.match((await upload).url(), /encoding=utf-8/);
  await dialog.getByTestId('import-result').waitFor();
  assert.equal(await dialog.getByTestId('import-created').textContent(), '1');
  assert.equal(await dialog.getByTestId('import-updated').textContent(), '0');
  assert.equal(await dialog.getByTestId('import-departments').textContent(), '2');
  assert.equal(await dialog.getByTestId('import-refused').textContent(), '1');
  const bad = dialog.getByTestId('import-errors').locator('tbody tr');
  assert.equal(await bad.count(), 1);
  const cells = await bad.locator('td').allTextContents();
  assert.equal(cells[0], '2', 'the second data row');
  assert.equal(cells[1], 'email');
  assert.match(cells[2], /email/);
  await page.screenshot({ path: join(artifacts, 'admin-import.png') });
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();

  // The good employee is listed (the list refreshed after the import), the bad one is not.
  const row = page.locator('tbody tr', { hasText: 'E2001' });
  await row.waitFor();
  assert.match(await row.textContent(), /Park Jisoo.*park@example\.com.*Operations.*Yes/);
  assert.equal(await page.locator('tbody tr', { hasText: 'E2002' }).count(), 0);
  assert.equal(await page.getByTestId('employees-total').textContent(), '1 employee');

  // Their explanation record: nothing asked yet.
  await row.getByRole('button', { name: 'Explanation record of Park Jisoo' }).click();
  const record = page.getByTestId('explanation-record');
  await record.getByTestId('record-counts').waitFor();
  assert.equal(await record.getByTestId('record-normal').textContent(), '0');
  assert.equal(await record.getByTestId('record-violated').textContent(), '0');
  assert.equal(await record.getByTestId('record-open').textContent(), '0');
  await record.getByRole('button', { name: 'Close', exact: true }).click();

  // Search narrows the list; an edit is saved from the employee's panel.
  await page.getByRole('searchbox').fill('nobody-like-this');
  await page.getByTestId('employees-empty').waitFor();
  await page.getByRole('searchbox').fill('park');
  await row.getByRole('button', { name: 'Park Jisoo', exact: true }).click();
  const panel = page.getByTestId('employee-panel');
  await panel.getByLabel('Name').fill('Park Ji-soo');
  await panel.getByRole('button', { name: 'Save changes' }).click();
  await panel.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  assert.equal((await admin('GET', '/api/employees/E2001')).name, 'Park Ji-soo');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a department moved under its own sub-department is refused in place', async () => {
  const top = await admin('POST', '/api/departments', { name: 'Security' });
  const child = await admin('POST', '/api/departments', { name: 'Blue Team', parent_id: top.id });
  await admin('POST', '/api/employees', { id: 'E3001', name: 'Han Manager', email: 'han@example.com', department_id: top.id });
  const page = await adminPage();
  await page.goto(server.url + '/settings/departments');
  const tree = page.getByTestId('department-tree');
  await tree.locator(`tr[data-department-id="${child.id}"]`).waitFor();

  await tree.getByRole('button', { name: 'Edit Security' }).click();
  const dialog = page.getByTestId('department-dialog');
  await dialog.getByLabel('Parent').selectOption(String(child.id));
  await dialog.getByRole('button', { name: 'Save' }).click();
  const error = dialog.getByTestId('department-parent-error');
  await error.filter({ hasText: /\S/ }).waitFor();
  assert.ok((await dialog.getByLabel('Parent').getAttribute('class')).includes('invalid'));
  await page.screenshot({ path: join(artifacts, 'admin-department-422.png') });
  assert.equal((await admin('GET', `/api/departments/${top.id}`)).parent_id, null, 'nothing moved');

  // The manager is one of the department's own employees.
  await dialog.getByLabel('Parent').selectOption('');
  await dialog.getByLabel('Manager').selectOption('E3001');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  await tree.locator(`tr[data-department-id="${top.id}"]`, { hasText: 'Han Manager (E3001)' }).waitFor();

  // A department with a sub-department (and an employee) is kept: the 409 shows in the question.
  await tree.getByRole('button', { name: 'Delete Security' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await confirm.getByTestId('confirm-error').filter({ hasText: /\S/ }).waitFor();
  await confirm.getByRole('button', { name: 'Cancel' }).click();

  // A new department under a parent lands indented below it.
  await tree.getByRole('button', { name: 'Add a department under Blue Team' }).click();
  await dialog.getByLabel('Name').fill('Hunters');
  await dialog.getByRole('button', { name: 'Add department' }).click();
  const hunters = tree.locator('tbody tr', { hasText: 'Hunters' });
  await hunters.waitFor();
  assert.match(await hunters.textContent(), /Security\/Blue Team\/Hunters/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a mail template with an unknown placeholder is refused in place; a good one previews, saves and resets', async () => {
  const original = await admin('GET', '/api/mail-templates/request/en');
  const page = await adminPage();
  await page.goto(server.url + '/settings/mail-templates?kind=request&language=en');
  const editor = page.getByTestId('mail-editor');
  const subject = editor.getByLabel('Subject');
  await subject.waitFor();
  assert.equal(await subject.inputValue(), original.subject);
  assert.equal(await editor.getByTestId('template-state').textContent(), 'Default');

  await subject.fill('Hello {nope}');
  await editor.getByRole('button', { name: 'Save' }).click();
  await editor.getByTestId('template-subject-error').filter({ hasText: /unknown placeholder \{nope\}/ }).waitFor();
  assert.equal((await admin('GET', '/api/mail-templates/request/en')).customized, false, 'nothing saved');

  // Placeholders the kind fills are listed; a click inserts one at the cursor.
  await subject.fill('Explain by ');
  await subject.press('End');
  await editor.getByRole('button', { name: '{deadline}' }).click();
  assert.equal(await subject.inputValue(), 'Explain by {deadline}');
  await subject.press('End');
  await subject.pressSequentially(' ({category})');
  await editor.getByRole('button', { name: 'Preview' }).click();
  const preview = editor.getByTestId('mail-preview');
  await preview.waitFor();
  const rendered = await preview.getByTestId('preview-subject').textContent();
  assert.match(rendered, /^Explain by .+ \(.+\)$/);
  assert.ok(!rendered.includes('{'), `placeholders are filled: ${rendered}`);
  // The body is the server's HTML, drawn in a sandboxed frame, or shown as source.
  assert.equal(await preview.getByTestId('preview-frame').getAttribute('sandbox'), '');
  const frame = page.frameLocator('[data-testid="preview-frame"]');
  await frame.locator('body').filter({ hasText: /\S/ }).waitFor();
  await preview.getByRole('tab', { name: 'HTML source' }).click();
  assert.match(await preview.getByTestId('preview-source').textContent(), /<p>/);
  await editor.getByRole('button', { name: 'Save' }).click();
  await editor.getByTestId('template-status').filter({ hasText: /Saved/ }).waitFor();
  assert.equal(await editor.getByTestId('template-state').textContent(), 'Customised');
  await page.screenshot({ path: join(artifacts, 'admin-mail-template.png'), fullPage: true });
  const saved = await admin('GET', '/api/mail-templates/request/en');
  assert.equal(saved.customized, true);
  assert.equal(saved.subject, 'Explain by {deadline} ({category})');

  await editor.getByRole('button', { name: 'Reset to default' }).click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Reset' }).click();
  await editor.getByTestId('template-state').filter({ hasText: 'Default' }).waitFor();
  assert.equal(await subject.inputValue(), original.subject);
  const reset = await admin('GET', '/api/mail-templates/request/en');
  assert.equal(reset.customized, false);
  assert.equal(reset.subject, original.subject);

  // Unsaved text is not dropped silently: leaving it asks first.
  await subject.fill('Half-written');
  await page.getByTestId('template-request-ko').click();
  const discard = page.getByTestId('confirm-dialog');
  await discard.getByRole('heading', { name: 'Discard your changes?' }).waitFor();
  await discard.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await subject.inputValue(), 'Half-written');
  assert.match(page.url(), /language=en/);
  // The Korean template is a click away and keeps its own text.
  await page.getByTestId('template-request-ko').click();
  await discard.getByRole('button', { name: 'Discard changes' }).click();
  await page.waitForURL(/language=ko/);
  const korean = await admin('GET', '/api/mail-templates/request/ko');
  await eventually(async () => (await subject.inputValue()) === korean.subject, 'the Korean subject');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the explanation token expiry is saved and read back over the API', async () => {
  const page = await adminPage();
  await page.goto(server.url + '/settings/options');
  const expiry = page.getByLabel('Explanation token expiry (days)');
  await expiry.waitFor();
  assert.equal(await expiry.inputValue(), '');
  // Words are refused before sending, in place.
  await expiry.fill('ten');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('option-token-expiry-error').filter({ hasText: /whole number/ }).waitFor();
  // A value out of range is refused by the server, in the same place.
  await expiry.fill('0');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('option-token-expiry-error').filter({ hasText: /\S/ }).waitFor();

  await expiry.fill('10');
  const put = page.waitForRequest((r) => r.method() === 'PUT' && r.url().endsWith('/api/settings'));
  await page.getByRole('button', { name: 'Save' }).click();
  assert.deepEqual((await put).postDataJSON(), { explanation_token_expiry: 10 }, 'only the changed option');
  await page.getByTestId('options-status').filter({ hasText: 'Saved.' }).waitFor();
  assert.equal(await page.getByTestId('option-token-expiry-error').textContent(), '');
  const options = await admin('GET', '/api/settings');
  assert.equal(options.explanation_token_expiry, 10);
  assert.equal(options.separation_of_duties, true, 'the other options are untouched');
  await page.screenshot({ path: join(artifacts, 'admin-options.png') });

  // After a reload the saved value shows; emptying it turns the option off again.
  await page.reload();
  await expiry.waitFor();
  assert.equal(await expiry.inputValue(), '10');
  await expiry.fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('options-status').filter({ hasText: 'Saved.' }).waitFor();
  assert.equal((await admin('GET', '/api/settings')).explanation_token_expiry, null);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a stream rule built in the editor opens a ticket from a matching record; a suppression swallows one', async () => {
  const schema = await admin('POST', '/api/log-schemas', {
    name: 'proxy',
    fields: [
      { name: 'action', type: 'string' },
      { name: 'src_ip', type: 'ip' },
      { name: 'bytes', type: 'integer' },
    ],
  });
  await admin('POST', '/api/log-tables', { name: 'proxy', schema_id: schema.id });
  const page = await adminPage();
  await page.goto(server.url + '/settings/log-tables');
  await page.getByTestId('log-tables').locator('tr[data-table="proxy"]').waitFor();

  await page.goto(server.url + '/settings/rules');
  await page.getByTestId('rules-empty').waitFor();
  await page.getByRole('button', { name: 'Add rule' }).click();
  const panel = page.getByTestId('rule-panel');
  await panel.getByLabel('Name', { exact: true }).fill('Blocked internal uploads');
  await panel.getByLabel('Log table').selectOption('proxy');
  const editor = panel.getByTestId('condition-editor');
  await editor.getByLabel('Test 1 field').fill('action');
  await editor.getByLabel('Test 1 operator').selectOption('regex');
  await editor.getByLabel('Test 1 value').fill('(block');
  await editor.getByRole('button', { name: 'Add test' }).click();
  await editor.getByLabel('Test 2 field').fill('src_ip');
  await editor.getByLabel('Test 2 operator').selectOption('cidr');
  await editor.getByLabel('Test 2 value').fill('10.0.0.0/8');
  await editor.getByRole('button', { name: 'Add test' }).click();
  await editor.getByLabel('Test 3 field').fill('bytes');
  await editor.getByLabel('Test 3 operator').selectOption('gt');
  await editor.getByLabel('Test 3 value').fill('1000');
  await panel.getByLabel('Site').selectOption({ label: 'HQ' });
  await panel.getByLabel('Priority').selectOption('high');
  await panel.getByLabel('Title template').fill('Blocked upload from {src_ip}');
  await panel.getByLabel('Key fields').fill('src_ip');

  // The server checks the regex and names its row: the error shows under test 1.
  await panel.getByRole('button', { name: 'Create rule' }).click();
  const row1 = editor.locator('[data-test-row="0"]');
  await row1.locator('.form-field-error').filter({ hasText: /regular expression/ }).waitFor();
  await panel.getByRole('heading', { name: 'New rule' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'admin-rule-error.png') });
  await editor.getByLabel('Test 1 operator').selectOption('equals');
  await editor.getByLabel('Test 1 value').fill('block');
  await editor.getByLabel('Test 1: ignore case').check();
  await panel.getByRole('button', { name: 'Create rule' }).click();
  await panel.getByRole('heading', { name: 'Blocked internal uploads' }).waitFor();
  await page.locator('tbody tr', { hasText: 'Blocked internal uploads' }).waitFor();

  const rule = (await admin('GET', '/api/rules')).items[0];
  assert.deepEqual(rule.condition, {
    and: [
      { equals: { field: 'action', value: 'block', ignore_case: true } },
      { cidr: { field: 'src_ip', value: '10.0.0.0/8', ignore_case: false } },
      { gt: { field: 'bytes', value: 1000 } },
    ],
  });
  assert.equal(rule.ticket.site_id, ids.hq);
  assert.equal(rule.ticket.priority, 'high');
  assert.deepEqual(rule.dedup_fields, ['src_ip']);

  // A matching record opens a ticket; one that fails a test opens nothing.
  const ingest = await admin('POST', '/api/logs/proxy', [
    { _id: 'p-1', action: 'BLOCK', src_ip: '10.1.2.3', bytes: 5000 },
    { _id: 'p-2', action: 'block', src_ip: '192.168.1.1', bytes: 5000 },
  ]);
  assert.equal(ingest.stored, 2);
  assert.equal(ingest.created_ticket_ids.length, 1);
  const ticket = await admin('GET', `/api/tickets/${ingest.created_ticket_ids[0]}`);
  assert.equal(ticket.title, 'Blocked upload from 10.1.2.3');
  assert.equal(ticket.priority, 'high');
  assert.equal(ticket.created_by, 'system');

  // A suppression of another address swallows its match.
  await panel.getByRole('tab', { name: 'Suppressions' }).click();
  await panel.getByTestId('suppressions-empty').waitFor();
  await panel.getByLabel('Field values').fill('src_ip=10.9.9.9');
  await panel.getByLabel('Reason').fill('The backup server');
  await panel.getByRole('button', { name: 'Add suppression' }).click();
  await panel.getByTestId('suppressions').locator('tbody tr', { hasText: 'The backup server' }).waitFor();
  const second = await admin('POST', '/api/logs/proxy', [{ _id: 'p-3', action: 'block', src_ip: '10.9.9.9', bytes: 9000 }]);
  assert.equal(second.suppressed, 1);
  assert.equal(second.created_ticket_ids.length, 0);

  // The list's counters follow (Refresh fetches again in place).
  await panel.getByRole('button', { name: 'Close panel' }).click();
  await page.getByRole('button', { name: 'Refresh' }).click();
  const listed = page.locator('tbody tr', { hasText: 'Blocked internal uploads' });
  // Columns: tick box, name, kind, table, enabled, matches, tickets, suppressed, errors.
  await eventually(async () => {
    const cells = await listed.locator('td').allTextContents();
    return Number(cells[5]) >= 1 && cells[6] === '1' && cells[7] === '1' && cells[8] === '0' ? cells : null;
  }, 'a match, 1 ticket, 1 suppressed, no errors');
  // Switched off in its row, it opens nothing more.
  await listed.getByRole('switch', { name: 'Blocked internal uploads enabled' }).click();
  await eventually(async () => !(await admin('GET', `/api/rules/${rule.id}`)).enabled, 'the rule is off');
  const third = await admin('POST', '/api/logs/proxy', [{ _id: 'p-4', action: 'block', src_ip: '10.7.7.7', bytes: 9000 }]);
  assert.equal(third.created_ticket_ids.length, 0);
  await page.screenshot({ path: join(artifacts, 'admin-rules.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a batch rule built in the editor runs now and opens a ticket per group over the threshold', async () => {
  const schema = await admin('POST', '/api/log-schemas', {
    name: 'vpn',
    fields: [
      { name: 'result', type: 'string' },
      { name: 'user', type: 'string' },
    ],
  });
  await admin('POST', '/api/log-tables', { name: 'vpn', schema_id: schema.id });
  await admin('POST', '/api/logs/vpn', [
    { _id: 'v-1', result: 'fail', user: 'kim' },
    { _id: 'v-2', result: 'fail', user: 'kim' },
    { _id: 'v-3', result: 'fail', user: 'kim' },
    { _id: 'v-4', result: 'fail', user: 'lee' },
    { _id: 'v-5', result: 'ok', user: 'lee' },
  ]);
  const page = await adminPage();
  await page.goto(server.url + '/settings/rules');
  await page.getByRole('button', { name: 'Add rule' }).click();
  const panel = page.getByTestId('rule-panel');
  await panel.getByLabel('Name', { exact: true }).fill('VPN login failures');
  await panel.getByRole('radio', { name: /^Batch/ }).check();
  await panel.getByLabel('Log table').selectOption('vpn');
  await panel.getByLabel('Query').fill('result:fail');
  await panel.getByLabel('Runs every').fill('10');
  await panel.getByLabel('Looks back over').fill('2');
  await panel.getByLabel('Threshold').fill('3');
  await panel.getByLabel('Group by').fill('user');
  await panel.getByLabel('Site').selectOption({ label: 'HQ' });
  await panel.getByLabel('Title template').fill('{user} failed to sign in');
  // A query the search syntax refuses is named under the query.
  await panel.getByLabel('Query').fill('result:fail AND');
  await panel.getByRole('button', { name: 'Create rule' }).click();
  await panel.getByTestId('rule-query-error').filter({ hasText: /\S/ }).waitFor();
  await panel.getByLabel('Query').fill('result:fail');
  await panel.getByRole('button', { name: 'Create rule' }).click();
  await panel.getByRole('heading', { name: 'VPN login failures' }).waitFor();
  const rule = (await admin('GET', '/api/rules')).items.find((r) => r.name === 'VPN login failures');
  assert.deepEqual(rule.batch, { interval_secs: 600, lookback_secs: 7200, query: 'result:fail', group_by: ['user'], threshold: 3 });

  await panel.getByRole('button', { name: 'Run now' }).click();
  const result = panel.getByTestId('run-result');
  await result.filter({ hasText: /opened #\d+/ }).waitFor();
  assert.match(await result.textContent(), /Matched 4 records; 1 group at or over the threshold/);
  const tickets = (await admin('GET', '/api/tickets?created_by=system&q=failed')).items;
  assert.deepEqual(tickets.map((t) => t.title), ['kim failed to sign in']);
  await page.screenshot({ path: join(artifacts, 'admin-batch-rule.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the outbox lists the mail of an explanation created over the API, pending without SMTP', async () => {
  const category = await admin('POST', '/api/explanation-categories', { name: 'Policy' });
  await admin('POST', '/api/employees', { id: 'E4001', name: 'Yoon Violator', email: 'yoon@example.com', is_admin: false });
  await admin('POST', '/api/employees', { id: 'E4000', name: 'Seo Admin', email: 'seo@example.com', is_admin: true });
  const deadline = new Date(Date.now() + 5 * 86400e3).toISOString();
  const explanation = await admin('POST', '/api/explanations', {
    violator_id: 'E4001',
    category_id: category.id,
    deadline,
    message: 'Please explain the upload.',
  });
  const page = await adminPage();
  await page.goto(server.url + '/settings/outbox');
  const row = page.locator('tbody tr', { hasText: 'yoon@example.com' });
  await row.waitFor();
  assert.match(await row.textContent(), /Explanation requested: Policy/);
  assert.equal(await row.getByTestId('outbox-status').textContent(), 'Pending');
  assert.equal((await admin('GET', `/api/outbox?explanation_id=${explanation.id}`)).items[0].status, 'pending');
  await page.screenshot({ path: join(artifacts, 'admin-outbox.png') });

  // Filtered to sent mail it is not there; to pending it is.
  await page.getByLabel('Status').selectOption('sent');
  await page.getByTestId('outbox-empty').waitFor();
  await page.getByLabel('Status').selectOption('pending');
  await row.waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});
