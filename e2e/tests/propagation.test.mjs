// Propagation and reputation in a real browser against the real server: a notification
// provider configured in Settings (pointing at a stand-in webhook this test runs in Node, with
// private network targets allowed) and tested with Send test; a ticket propagated by SMS to two
// accounts from its panel, "sent" beside the one with a phone number and "failed: …" beside the
// one without; and a VirusTotal lookup from the Details tab against a stand-in v3 API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, artifacts, eventually } from './server.mjs';
import { apiAs, createAccount, signIn } from './api.mjs';

let server;
let browser;
let admin;
let site;
let hook;
const received = [];

/** A stand-in HTTP server on loopback: records each request, answers with `answer(req, body)`. */
async function standIn(answer) {
  const s = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      const [status, json] = answer(req, body);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${s.address().port}`;
  return s;
}

before(async () => {
  hook = await standIn((req) => {
    if (req.url.startsWith('/api/v3/')) {
      return [200, { data: { attributes: { last_analysis_stats: { malicious: 5, suspicious: 0, harmless: 60, undetected: 5 }, reputation: -3, last_analysis_date: 1700000000 } } }];
    }
    return [200, { ok: true }];
  });
  server = await startServer();
  browser = await launchBrowser();
  admin = await apiAs(server.url, 'admin', server.adminPassword);
  site = await admin('POST', '/api/sites', { name: 'Seoul' });
  await admin('PUT', '/api/settings', { allow_private_network_targets: true });
  await admin('POST', '/api/accounts', {
    login: 'kim',
    display_name: 'Kim Phone',
    phone: '010-1234-5678',
    password: 'kim-password-1234',
    permissions: ['TICKET_VIEW'],
    site_ids: [site.id],
  });
  await createAccount(admin, 'lee', ['TICKET_VIEW'], [site.id], 'Lee Nophone');
});

after(async () => {
  await browser?.close();
  await server?.stop();
  hook?.close();
});

test('a provider is added in Settings with a secret header and its Send test shows the outcome in place', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await page.goto(`${server.url}/settings/notification-providers`);
  await page.getByRole('button', { name: 'Add provider' }).click();
  const form = page.getByTestId('provider-form');
  await form.getByLabel('Name').fill('Office SMS');
  await form.getByLabel('URL (POST)').fill(`${hook.url}/sms`);
  await form.getByRole('button', { name: 'Add header' }).click();
  await form.getByLabel('Header name').fill('Authorization');
  await form.getByLabel('Header value').fill('Bearer very-secret');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('provider-row').first().waitFor();
  assert.match(await page.getByTestId('providers-table').textContent(), /Office SMS/);
  // The stored value is never shown again.
  assert.equal(await form.getByLabel('Header value').inputValue(), '');
  assert.match(await form.getByLabel('Header value').getAttribute('placeholder'), /unchanged/);

  await page.locator('#test-phone').fill('010-9999-0000');
  await page.getByTestId('send-test').click();
  await eventually(async () => /sent \(HTTP 200\)/.test(await page.getByTestId('test-result').textContent()), 'test result');
  const test = received.find((r) => r.url === '/sms');
  assert.equal(test.headers.authorization, 'Bearer very-secret');
  assert.equal(JSON.parse(test.body).to, '010-9999-0000');
  await page.screenshot({ path: join(artifacts, 'notification-providers.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a ticket is propagated to two accounts and each shows its own result; its Details look an address up', async () => {
  await admin('PUT', '/api/settings/reputation', { api_key: 'vt-key', base_url: `${hook.url}/api/v3` });
  const ticket = await admin('POST', '/api/tickets', {
    site_id: site.id,
    kind: 'detection',
    title: 'Beacon to "c2" host',
    fields: [
      { name: 'source_ip', value: '203.0.113.9' },
      { name: 'protocol', value: 'tcp' },
    ],
  });
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await page.goto(`${server.url}/tickets?ticket=${ticket.id}`);
  const panel = page.getByTestId('ticket-panel');
  await panel.getByTestId('ticket-detail').waitFor();

  // Reputation beside the address, asked on click.
  const item = panel.getByTestId('reputation-item').filter({ hasText: '203.0.113.9' });
  await item.getByRole('button', { name: /reputation/ }).click();
  await eventually(async () => (await item.getByTestId('reputation-verdict').count()) > 0, 'verdict');
  assert.equal((await item.getByTestId('reputation-verdict').textContent()).trim(), '5/70 malicious');
  assert.ok(received.some((r) => r.url === '/api/v3/ip_addresses/203.0.113.9' && r.headers['x-apikey'] === 'vt-key'));

  await panel.getByRole('button', { name: 'Propagate' }).click();
  const dialog = page.getByTestId('propagate-dialog');
  await dialog.getByRole('button', { name: 'Add accounts…' }).click();
  const picker = page.getByTestId('account-picker');
  await picker.getByText('Kim Phone (kim)').click();
  await picker.getByText('Lee Nophone (lee)').click();
  await picker.getByRole('button', { name: 'Add' }).click();
  await dialog.getByLabel('Message (optional)').fill('Please check now');
  await dialog.getByRole('button', { name: 'Send' }).click();

  const row = (name) => dialog.getByTestId('propagate-recipient').filter({ hasText: name });
  await eventually(async () => (await row('Kim Phone').getByTestId('propagate-result').count()) > 0, 'results');
  assert.match(await row('Kim Phone').getByTestId('propagate-result').textContent(), /SMS: sent \(HTTP 200\)/);
  assert.match(
    await row('Lee Nophone').getByTestId('propagate-result').textContent(),
    /SMS: failed: recipient has no phone number/,
  );
  await page.screenshot({ path: join(artifacts, 'propagate-dialog.png') });
  const sms = received.filter((r) => r.url === '/sms').map((r) => JSON.parse(r.body));
  assert.ok(sms.some((b) => b.to === '010-1234-5678' && b.text === 'Please check now'), JSON.stringify(sms));

  const history = await admin('GET', `/api/tickets/${ticket.id}/history`);
  const entry = history.find((h) => h.field === 'propagation');
  assert.match(entry.new_value, /Kim Phone \(account \d+\): sms sent/);
  assert.deepEqual(page.errors, []);
  await page.close();
});
