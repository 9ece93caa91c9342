// Add → Analysis Ticket / Detection-based Ticket in a real browser against the real server: the
// menu works from the keyboard; the title counter and its limit, the Markdown preview rendered by
// the server, a missing site refused beside Site, a saved ticket in the list and opened; a
// detection ticket from the Network template plus a custom field, a server refusal shown beside
// its row, an uploaded attachment on the saved ticket; Cancel asks before losing what was typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, artifacts, eventually } from './server.mjs';
import { apiAs, createAccount, passwordOf, signIn } from './api.mjs';

let server;
let browser;
let admin;
let seoul;
let busan;
let malware;
let ana;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await apiAs(server.url, 'admin', server.adminPassword);
  seoul = await admin('POST', '/api/sites', { name: 'Seoul' });
  busan = await admin('POST', '/api/sites', { name: 'Busan' });
  malware = await admin('POST', '/api/ticket-categories', { name: 'Malware' });
  await admin('POST', '/api/ticket-categories', { name: 'Phishing' });
  ana = await createAccount(admin, 'ana', ['TICKET_VIEW', 'TICKET_EDIT'], [seoul.id], 'Ana Analyst');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every POST /api/tickets the page sends. */
function recordCreates(page) {
  const creates = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/tickets') creates.push(r.postDataJSON());
  });
  return creates;
}

/** The list's row of ticket `id` (found by its tick box, whatever the row's markup). */
const row = (page, id) =>
  page.locator('tbody tr').filter({ has: page.getByRole('checkbox', { name: `Select ticket #${id}`, exact: true }) });

async function openAdd(page, kind) {
  await page.getByTestId('add-menu').click();
  await page.getByRole('menuitem', { name: kind }).click();
  await page.getByTestId('add-panel').waitFor();
}

test('the Add menu opens, moves and picks from the keyboard, and closes after picking', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  const add = page.getByTestId('add-menu');
  await add.focus();
  await page.keyboard.press('Enter');
  const first = page.getByRole('menuitem', { name: 'Analysis Ticket' });
  await first.waitFor();
  await page.waitForFunction(() => document.activeElement?.textContent === 'Analysis Ticket');
  assert.equal(await add.getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.activeElement?.textContent === 'Detection-based Ticket');
  await page.keyboard.press('ArrowDown'); // wraps around
  await page.waitForFunction(() => document.activeElement?.textContent === 'Analysis Ticket');
  // Esc closes the menu and gives the focus back to the button.
  await page.keyboard.press('Escape');
  await page.getByRole('menu').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'add-menu');
  // Open again, go to the second item, pick it: the panel opens and the menu is gone.
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.activeElement?.textContent === 'Analysis Ticket');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Create Detection-based Ticket' }).waitFor();
  assert.equal(await page.getByRole('menu').count(), 0, 'the menu closed after picking');
  assert.equal(await add.getAttribute('aria-expanded'), 'false');
  // The title has the focus: typing goes straight into it.
  await page.keyboard.type('Typed at once');
  assert.equal(await page.locator('#add-title').inputValue(), 'Typed at once');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('an analysis ticket: counter, limit, preview, a missing site in place, then saved and opened', async () => {
  const page = await newPage(browser);
  const creates = recordCreates(page);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await openAdd(page, 'Analysis Ticket');
  const title = page.locator('#add-title');
  const count = page.getByTestId('title-count');
  const titleError = page.getByTestId('title-error');
  assert.equal(await count.textContent(), '0 / 255');

  // Empty: refused in place, without asking the server.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await titleError.filter({ hasText: 'Enter a title.' }).waitFor();

  // 256 characters: the counter says so, the message shows as it is typed, Save refuses.
  await title.fill('x'.repeat(256));
  assert.equal(await count.textContent(), '256 / 255');
  assert.match(await count.getAttribute('class'), /\bover\b/);
  assert.equal(await titleError.textContent(), 'At most 255 characters: this one has 256.');
  assert.equal(await title.getAttribute('aria-invalid'), 'true');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.screenshot({ path: join(artifacts, 'ticket-add-title-too-long.png') });
  await title.fill('x'.repeat(255));
  assert.equal(await count.textContent(), '255 / 255');
  assert.equal(await titleError.textContent(), '');

  const ticketTitle = 'Port scan from 10.0.0.5';
  await title.fill(`  ${ticketTitle}  `);
  assert.equal(await count.textContent(), `${ticketTitle.length} / 255`, 'counted as the server does (trimmed)');

  // The body in Markdown, previewed through the server's renderer.
  const body = '**Bold** finding\n\n- first host\n- second host\n';
  await page.locator('#add-body').fill(body);
  await page.getByRole('tab', { name: 'Preview' }).click();
  const preview = page.locator('.md-preview .rendered');
  await preview.locator('strong').waitFor();
  assert.equal(await preview.locator('strong').textContent(), 'Bold');
  assert.deepEqual(await preview.locator('ul > li').allTextContents(), ['first host', 'second host']);
  await page.screenshot({ path: join(artifacts, 'ticket-add-preview.png') });
  await page.getByRole('tab', { name: 'Write' }).click();
  assert.equal(await page.locator('#add-body').inputValue(), body);

  // Properties: category, priority, an assignee through the user search dialog.
  await page.locator('#add-category').selectOption({ label: 'Malware' });
  await page.locator('#add-priority').selectOption({ label: 'High' });
  assert.equal(await page.locator('#add-site').inputValue(), '', 'two sites: none chosen for you');
  await page.getByRole('button', { name: 'Choose assignees…' }).click();
  const picker = page.getByTestId('account-picker');
  await picker.getByLabel('Search accounts').fill('ana');
  await picker.getByRole('checkbox', { name: 'Ana Analyst (ana)' }).check();
  await picker.getByRole('button', { name: 'Confirm' }).click();
  await picker.waitFor({ state: 'detached' });
  const chips = page.getByRole('list', { name: 'Assignees' }).locator('.chip');
  assert.equal(await chips.count(), 1);
  assert.match(await chips.textContent(), /^Ana Analyst/);

  // No site: refused beside Site, nothing sent, nothing typed lost.
  const sentBefore = creates.length;
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const siteProp = page.getByTestId('prop-site');
  await siteProp.locator('.field-error').filter({ hasText: 'Choose the site the ticket belongs to.' }).waitFor();
  assert.match(await page.getByTestId('add-banner').textContent(), /not saved/);
  assert.equal(creates.length, sentBefore, 'nothing was sent without a site');
  await page.waitForFunction(() => document.activeElement?.id === 'add-site'); // the focus goes to Site
  assert.equal(await title.inputValue(), `  ${ticketTitle}  `);
  assert.equal(await page.locator('#add-body').inputValue(), body);
  await page.screenshot({ path: join(artifacts, 'ticket-add-no-site.png') });

  await page.locator('#add-site').selectOption({ label: 'Seoul' });
  assert.equal(await siteProp.locator('.field-error').textContent(), '', 'choosing a site clears its message');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Saved: the panel closes, the new ticket opens, the list shows it.
  await page.getByTestId('add-panel').waitFor({ state: 'detached' });
  await page.waitForURL(/[?&]ticket=\d+/);
  const id = Number(new URL(page.url()).searchParams.get('ticket'));
  await page.getByTestId('ticket-panel').waitFor();
  const saved = row(page, id);
  await saved.waitFor();
  assert.match(await saved.textContent(), new RegExp(`#${id}\\s*${ticketTitle}`));
  assert.match(await saved.textContent(), /High/);
  assert.match(await saved.textContent(), /Ana Analyst/);
  await page.keyboard.press('Escape'); // closes the detail panel
  await page.getByTestId('ticket-panel').waitFor({ state: 'detached' });
  await page.screenshot({ path: join(artifacts, 'ticket-add-listed.png') });

  // Over the API, exactly what was chosen.
  const list = await admin('GET', '/api/tickets');
  const listed = list.items.find((t) => t.id === id);
  assert.ok(listed, 'GET /api/tickets lists the new ticket');
  assert.equal(listed.title, ticketTitle);
  assert.equal(listed.kind, 'analysis');
  assert.equal(listed.priority, 'high');
  assert.equal(listed.status, 'assigned', 'an assignee makes it assigned');
  assert.deepEqual(listed.category, { id: malware.id, name: 'Malware' });
  assert.deepEqual(listed.site, { id: seoul.id, name: 'Seoul' });
  assert.deepEqual(listed.assignees.map((a) => a.login), ['ana']);
  assert.equal(listed.body_format, 'markdown');
  assert.equal(listed.attack, null);
  const ticket = await admin('GET', `/api/tickets/${id}`);
  assert.equal(ticket.body, body);
  assert.match(ticket.body_html, /<strong>Bold<\/strong>/);
  assert.equal(creates.at(-1).site_id, seoul.id);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a detection ticket: Network template, a custom field, a refused row in place, an attachment', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await openAdd(page, 'Detection-based Ticket');
  await page.locator('#add-title').fill('Outbound SMB to an unknown host');

  // Values typed before the template under one of its names are kept.
  await page.getByRole('button', { name: 'Add Field' }).click();
  await page.getByLabel('Name of field 1').fill('Destination IP');
  await page.getByLabel('Value of Destination IP').fill('203.0.113.9');
  await page.getByTestId('apply-template').click();
  await page.getByRole('menuitem', { name: 'Network' }).click();
  const network = [
    'First detection time', 'Last detection time', 'Source IP', 'Source port', 'Destination IP',
    'Destination port', 'Protocol', 'Action', 'Bytes',
  ];
  const names = () => page.locator('.add-row .field-name').evaluateAll((els) => els.map((e) => e.value));
  const namesAre = (want, what) =>
    eventually(async () => JSON.stringify(await names()) === JSON.stringify(want), what);
  await namesAre(network, 'the Network template fields');
  assert.equal(await page.getByLabel('Value of Destination IP').inputValue(), '203.0.113.9');

  await page.getByLabel('Value of Source IP').fill('10.0.0.5');
  await page.getByLabel('Value of Destination port').fill('445');
  await page.getByLabel('Value of Protocol').fill('tcp');
  // A custom field, and one left without a name (the server refuses it).
  await page.getByRole('button', { name: 'Add Field' }).click();
  await page.getByLabel('Name of field 10').fill('Ticket ref');
  await page.getByLabel('Value of Ticket ref').fill('INC-7');
  await page.getByRole('button', { name: 'Add Field' }).click();
  await page.getByLabel('Value of field 11').fill('orphan value');
  // Reordering: move the custom field up and back down.
  await page.getByRole('button', { name: 'Move field 10 up' }).click();
  await eventually(async () => (await names())[8] === 'Ticket ref', 'the custom field moved up');
  await page.getByRole('button', { name: 'Move field 9 down' }).click();
  await eventually(async () => (await names())[9] === 'Ticket ref', 'the custom field moved back down');

  await page.locator('#add-site').selectOption({ label: 'Busan' });
  await page.locator('#add-files').setInputFiles({
    name: 'capture.pcap',
    mimeType: 'application/vnd.tcpdump.pcap',
    buffer: Buffer.from('pcap bytes for the test'),
  });
  // Listed once stored (while uploading it reads "Uploading capture.pcap…").
  await page.getByTestId('prop-attachments').getByText('capture.pcap', { exact: true }).waitFor();
  await page.locator('#add-body').fill('Seen by the proxy too.');

  // The server names fields[10].name: the message shows beside that row.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const badRow = page.locator('.add-row').nth(10);
  await badRow.getByRole('alert').filter({ hasText: /Name: Must be 1 to 100 characters/ }).waitFor();
  assert.match(await badRow.locator('.field-name').getAttribute('class'), /\binvalid\b/);
  assert.equal(await page.getByTestId('add-panel').count(), 1, 'the panel stays open');
  assert.equal(await page.getByLabel('Value of Ticket ref').inputValue(), 'INC-7', 'nothing typed is lost');
  await page.screenshot({ path: join(artifacts, 'ticket-add-field-refused.png') });

  await page.getByRole('button', { name: 'Remove field 11' }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByTestId('add-panel').waitFor({ state: 'detached' });
  await page.waitForURL(/[?&]ticket=\d+/);
  const id = Number(new URL(page.url()).searchParams.get('ticket'));
  await row(page, id).waitFor();

  const ticket = await admin('GET', `/api/tickets/${id}`);
  assert.equal(ticket.kind, 'detection');
  assert.equal(ticket.site.name, 'Busan');
  assert.equal(ticket.priority, 'low', 'Low by default');
  assert.equal(ticket.status, 'new');
  const values = {
    'Source IP': '10.0.0.5', 'Destination IP': '203.0.113.9', 'Destination port': '445', Protocol: 'tcp',
  };
  assert.deepEqual(ticket.fields, [
    ...network.map((name) => ({ name, value: values[name] ?? '' })),
    { name: 'Ticket ref', value: 'INC-7' },
  ]);
  assert.equal(ticket.body, 'Seen by the proxy too.');
  const files = await admin('GET', `/api/tickets/${id}/attachments`);
  assert.deepEqual(files.map((f) => [f.file_name, f.size, f.memo_id]), [['capture.pcap', 23, null]]);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('closing with something typed asks first; an account with one site has it chosen', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'ana', passwordOf('ana'));
  await openAdd(page, 'Analysis Ticket');
  assert.equal(await page.locator('#add-site').inputValue(), String(seoul.id), 'the only site is chosen');
  // Nothing typed: closing does not ask.
  await page.keyboard.press('Escape');
  await page.getByTestId('add-panel').waitFor({ state: 'detached' });

  await openAdd(page, 'Analysis Ticket');
  await page.locator('#add-title').fill('Half-written');
  // Esc in the user search dialog closes only the dialog; Esc again asks about the panel.
  await page.getByRole('button', { name: 'Choose approvers…' }).click();
  await page.getByTestId('account-picker').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('account-picker').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('add-panel').count(), 1);
  // The focus is back on the button that opened the dialog.
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Choose approvers…');
  await page.keyboard.press('Escape');
  const discard = page.getByTestId('discard-dialog');
  await discard.waitFor();
  await page.screenshot({ path: join(artifacts, 'ticket-add-discard.png') });
  await discard.getByRole('button', { name: 'Keep editing' }).click();
  assert.equal(await page.locator('#add-title').inputValue(), 'Half-written');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await discard.getByRole('button', { name: 'Discard' }).click();
  await page.getByTestId('add-panel').waitFor({ state: 'detached' });
  const list = await admin('GET', '/api/tickets?q=Half-written');
  assert.equal(list.total, 0, 'nothing was created');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('an account without TICKET_EDIT has no Add button', async () => {
  await createAccount(admin, 'viewer', ['TICKET_VIEW'], [seoul.id, busan.id], 'Vera Viewer');
  const page = await newPage(browser);
  await signIn(page, server.url, 'viewer', passwordOf('viewer'));
  await page.getByTestId('tickets-total').filter({ hasText: /ticket/ }).waitFor();
  assert.equal(await page.getByTestId('add-menu').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});
