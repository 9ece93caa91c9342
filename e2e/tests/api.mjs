// A small client of the socdesk REST API for arranging what a browser test needs, and signing
// a page in through the real login form.
import assert from 'node:assert/strict';

/** An API client for `baseUrl` that signs in as `login`; every non-2xx answer fails the test. */
export async function apiAs(baseUrl, login, password) {
  const call = async (method, path, body, token) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
  const { access_token: token } = await call('POST', '/api/auth/login', { login, password });
  const api = (method, path, body) => call(method, path, body, token);
  api.token = token;
  return api;
}

/** Creates an account with these permissions on these sites; resolves with the account. */
export async function createAccount(admin, login, permissions, siteIds, displayName) {
  return admin('POST', '/api/accounts', {
    login,
    display_name: displayName ?? login,
    password: `${login}-password-1234`,
    permissions,
    site_ids: siteIds,
  });
}

/** The password `createAccount` gives `login`. */
export const passwordOf = (login) => `${login}-password-1234`;

/** Signs `page` in through the login form and waits for the Tickets screen. */
export async function signIn(page, baseUrl, login, password) {
  await page.goto(baseUrl + '/login');
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await page.getByTestId('current-user').waitFor();
}
