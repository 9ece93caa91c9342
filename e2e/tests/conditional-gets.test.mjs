// The web app's list refreshes cost little: the browser revalidates an unchanged list with
// If-None-Match and the server answers 304 with no body (Resource Timing shows only the headers
// crossing the wire, the body coming from the cache); a changed list, fetched by the live
// update, comes whole.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, eventually } from './server.mjs';
import { apiAs, signIn } from './api.mjs';

let server;
let browser;
let admin;
let site;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await apiAs(server.url, 'admin', server.adminPassword);
  site = await admin('POST', '/api/sites', { name: 'HQ' });
  // A list body well over the size of the answer's headers.
  for (let i = 0; i < 20; i++) {
    await admin('POST', '/api/tickets', { site_id: site.id, kind: 'analysis', title: `Port scan ${i}` });
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Bytes on the wire and body sizes of the page's list requests so far, in order. */
const listFetches = (page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname === '/api/tickets')
      .map((e) => ({ transfer: e.transferSize, body: e.encodedBodySize })),
  );

/** The list fetches after the `seen` ones, once one more has finished. */
const afterMore = (page, seen, what) =>
  eventually(async () => {
    const all = await listFetches(page);
    return all.length > seen.length && all;
  }, what);

test('an unchanged list is revalidated without its body; a changed one comes whole', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'admin', server.adminPassword);
  await page.goto(server.url + '/tickets');
  await page.locator('tbody tr[data-row-id]').nth(19).waitFor();
  const refresh = () => page.getByRole('button', { name: 'Refresh', exact: true }).click();

  const first = await listFetches(page);
  await refresh();
  const second = await afterMore(page, first, 'a refresh request');
  const full = first[first.length - 1];
  const revalidated = second[second.length - 1];
  assert.ok(full.transfer > full.body, `the first answer carried its body: ${JSON.stringify(full)}`);
  assert.equal(revalidated.body, full.body, 'the same list');
  assert.ok(
    revalidated.transfer < full.body,
    `a 304 carries headers only: ${JSON.stringify(revalidated)} vs ${JSON.stringify(full)}`,
  );

  // A change: the live update fetches the list by itself (no click), and it comes whole.
  await admin('POST', '/api/tickets', { site_id: site.id, kind: 'analysis', title: 'A new one' });
  await page.getByText('A new one').waitFor();
  const third = await afterMore(page, second, 'a fetch after the change');
  const since = third.slice(second.length);
  const changed = since.find((f) => f.body > full.body);
  assert.ok(changed && changed.transfer > changed.body, JSON.stringify(since));
  assert.deepEqual(page.errors, []);
});
