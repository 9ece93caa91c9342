// The violator's token page on a phone-sized screen, against the real server and a real SMTP
// catcher: a stream rule asks the employee in a record for an explanation; the emailed link opens
// the page with the request, the evidence and a form; the violator writes, attaches a file and
// submits; the manager's review mail arrives; the used link then says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, artifacts } from './server.mjs';
import { startMailCatcher, explainPath } from './mail.mjs';

let mail;
let server;
let browser;
let admin;
let categoryId;

async function api(method, path, body) {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(admin ? { authorization: `Bearer ${admin}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

before(async () => {
  mail = await startMailCatcher();
  server = await startServer({ SMTP_URL: mail.url, SOCDESK_MAIL_POLL: '1' });
  browser = await launchBrowser();
  admin = (await api('POST', '/api/auth/login', { login: 'admin', password: server.adminPassword })).access_token;

  const dept = await api('POST', '/api/departments', { name: 'Sales' });
  await api('POST', '/api/employees', {
    id: 'M1', name: 'Manager Min', email: 'm1@example.com', department_id: dept.id, is_manager: true,
  });
  await api('POST', '/api/employees', {
    id: 'V1', name: 'Violator Vic', email: 'v1@example.com', department_id: dept.id,
  });
  const category = await api('POST', '/api/explanation-categories', { name: 'Data leakage' });
  categoryId = category.id;
  const site = await api('POST', '/api/sites', { name: 'Seoul' });
  const schema = await api('POST', '/api/log-schemas', {
    name: 'proxy',
    fields: [
      { name: 'url', type: 'string' },
      { name: 'bytes', type: 'integer' },
      { name: 'action', type: 'string' },
    ],
  });
  await api('POST', '/api/log-tables', { name: 'proxy', schema_id: schema.id });
  await api('POST', '/api/rules', {
    name: 'Large upload',
    kind: 'stream',
    table: 'proxy',
    condition: { equals: { field: 'action', value: 'upload' } },
    ticket: { site_id: site.id, priority: 'high', title: 'Upload to {url}' },
    explanation: {
      category_id: category.id,
      deadline_days: 3,
      message: 'Why did you upload {bytes} bytes to {url}?\nPlease name the business reason.',
    },
  });
  await api('POST', '/api/logs/proxy', [
    {
      _id: 'p1',
      url: 'https://files.example.net/share/customers-2026-with-a-very-long-path-name.xlsx',
      bytes: 52428800,
      action: 'upload',
      emp_key: 'V1',
    },
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await mail?.stop();
});

test('the violator opens the mailed link on a phone, submits with a file, and the link is then used up', async () => {
  const request = await mail.waitFor((m) => /^To: v1@example\.com/m.test(m), 'to the violator');
  const path = explainPath(request);

  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));

  await page.goto(server.url + path);
  await page.getByRole('heading', { name: 'For Violator Vic' }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Explanation request', level: 1 }).count(), 1);
  assert.match(await page.locator('.explain-message').textContent(), /Why did you upload 52428800 bytes to https:\/\/files\.example\.net/);
  assert.equal((await page.locator('.priority').textContent()).trim(), 'high');
  assert.equal((await page.locator('.explain-facts').textContent()).includes('Data leakage'), true);
  // The evidence: the record, in a table that scrolls inside its card.
  assert.match(await page.locator('table.evidence').textContent(), /customers-2026/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 375px`);
  await page.screenshot({ path: join(artifacts, 'token-page-375.png'), fullPage: true });

  // Only the token page's bundle and the public API were fetched.
  assert.ok(requested.some((p) => p.endsWith('/socdesk_explain_bg.wasm')), requested.join('\n'));
  assert.ok(!requested.some((p) => /socdesk_web|style\.css/.test(p)), requested.join('\n'));
  assert.ok(requested.filter((p) => p.startsWith('/api/')).every((p) => p.startsWith('/api/public/')), requested.join('\n'));

  const submit = page.getByRole('button', { name: 'Submit Explanation' });
  assert.equal(await submit.isDisabled(), true, 'nothing to submit yet');
  await page.getByLabel('Your explanation').fill('I shared the list with our auditors, as agreed with Min.');
  assert.match(await page.locator('#explanation-count').textContent(), /^56 \/ 10,000 characters$/);
  await page.locator('#files').setInputFiles({ name: 'approval.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 approval') });
  await page.getByText('approval.pdf').waitFor();
  await submit.click();
  await page.getByRole('status').filter({ hasText: 'your explanation was submitted' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'token-page-375-submitted.png'), fullPage: true });

  const review = await mail.waitFor((m) => /^To: m1@example\.com/m.test(m), 'to the manager');
  assert.match(review, /Subject: \[socdesk\] Explanation to review: Violator Vic/);

  // The link is used up: a reload says so, in place.
  await page.reload();
  await page.getByRole('heading', { name: 'This link no longer works' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'token-page-375-used.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an unknown link gets the same message as a used one', async () => {
  const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
  await page.goto(server.url + '/explain/not-a-real-token');
  await page.getByRole('heading', { name: 'This link no longer works' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 0);
  await page.close();
});

test('after the deadline the page still reads but says submissions are closed', async () => {
  // Deadlines must lie ahead when asked: this one passes two seconds later.
  await api('POST', '/api/explanations', {
    violator_id: 'V1',
    category_id: categoryId,
    deadline: new Date(Date.now() + 2000).toISOString(),
    message: 'A request whose deadline passes at once.',
  });
  const request = await mail.waitFor((m) => /^To: v1@example\.com/m.test(m) && m.includes('passes at once'), 'the short request');
  const path = explainPath(request);
  // Wait until the server counts the deadline as passed (its clock, not the test's).
  let open = true;
  for (let i = 0; i < 50 && open; i++) {
    const r = await fetch(`${server.url}/api/public/explanations/${path.split('/').pop()}`);
    assert.equal(r.status, 200, 'the link stays readable after the deadline');
    open = (await r.json()).can_submit;
    if (open) await new Promise((res) => setTimeout(res, 200));
  }
  assert.equal(open, false, 'submissions closed at the deadline');
  const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
  await page.goto(server.url + path);
  await page.getByRole('heading', { name: 'The deadline has passed' }).waitFor();
  assert.match(await page.locator('.explain-message').textContent(), /passes at once/);
  assert.equal(await page.getByRole('button', { name: 'Submit Explanation' }).count(), 0);
  await page.screenshot({ path: join(artifacts, 'token-page-375-deadline.png'), fullPage: true });
  await page.close();
});
