import http from 'node:http';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWithBrowser } from './support/session';

const e2e = serveWithBrowser();
const shots = path.resolve('test-results/screens');
const sizes = [
  [1440, 900],
  [1280, 800],
  [1024, 700],
] as const;
const PASSWORD = 'mia-has-a-long-password';

/** A web server on another port of 127.0.0.1, serving whatever page a test gives it. */
let other: http.Server;
let otherPort = 0;
const cookiesSeen: string[] = [];
let otherPage = '';

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  await e2e.api('users.add', { email: 'mia@studio.test', role: 'member', password: PASSWORD });
  other = http.createServer((req, res) => {
    cookiesSeen.push(req.headers.cookie ?? '');
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(otherPage);
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherPort = (other.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => other.close(() => r())));

async function signInAsMia(page: Page): Promise<void> {
  await page.goto(e2e.serve.url);
  await page.getByLabel('Email').fill('mia@studio.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByTestId('sidebar-status').isVisible()).toBe(true);
}

describe('accounts in the browser', () => {
  it('signs in with email and password, and says so when the password is wrong', async () => {
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.url);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in to your studio');
    for (const [w, h] of sizes)
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: path.join(shots, `signin-${w}-${scheme}.png`) });
      }
    await page.getByLabel('Email').fill('mia@studio.test');
    await page.getByLabel('Password').fill('not her password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong email or password.');
    await signInAsMia(page);
    expect(await page.locator('h1').first().textContent()).toBe('Library');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a member cannot open Settings → Engines (nor people, folders, studio settings); the owner can', async () => {
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    await signInAsMia(page);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect.poll(() => page.getByTestId('account-name').textContent()).toBe('mia');
    expect(await page.getByTestId('engines-panel').count()).toBe(0);
    expect(await page.getByTestId('people-panel').count()).toBe(0);
    expect(await page.getByRole('heading', { name: /Watch folders/i }).count()).toBe(0);
    // Nor through the api from the page itself (with its CSRF token).
    const refused = await page.evaluate(async () => {
      const s = await (await fetch('/auth/session')).json();
      const r = await fetch('/api/engines.update', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Atelier-CSRF': s.value.csrf },
        body: JSON.stringify({ realesrganPath: '/tmp/x' }),
      });
      return { status: r.status, body: await r.json() };
    });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/only the studio's owner or an admin/);
    // Pausing the studio's queue is not hers either.
    await page.getByRole('button', { name: 'Jobs', exact: true }).click();
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Jobs');
    expect(await page.getByTestId('queue-toggle').count()).toBe(0);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    for (const [w, h] of sizes)
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: path.join(shots, `settings-member-${w}-${scheme}.png`) });
      }
    await context.close();

    const owner = await e2e.browser.newPage();
    await owner.goto(`${e2e.serve.openUrl}`);
    await owner.getByRole('button', { name: 'Settings', exact: true }).click();
    await owner.getByTestId('people-panel').scrollIntoViewIfNeeded();
    await expect.poll(() => owner.getByTestId('person-row').count()).toBe(2);
    expect(await owner.getByTestId('engines-panel').count()).toBe(1);
    for (const [w, h] of sizes)
      for (const scheme of ['light', 'dark'] as const) {
        await owner.setViewportSize({ width: w, height: h });
        await owner.emulateMedia({ colorScheme: scheme });
        await owner.getByTestId('people-panel').scrollIntoViewIfNeeded();
        await owner.screenshot({ path: path.join(shots, `settings-people-${w}-${scheme}.png`) });
      }
    await owner.close();
  });

  it('a page on another 127.0.0.1 port reads neither the event stream nor the api, nor the cookie', async () => {
    const atelier = new URL(e2e.serve.url);
    otherPage = `<!doctype html><title>other</title><script>
      window.results = (async () => {
        const ws = await new Promise((resolve) => {
          const s = new WebSocket('ws://127.0.0.1:${atelier.port}/events');
          s.onmessage = (m) => resolve('read: ' + m.data);
          s.onerror = () => resolve('refused');
        });
        let api;
        try {
          const r = await fetch('http://127.0.0.1:${atelier.port}/api/library.query', {
            method: 'POST', credentials: 'include', body: '{}',
            headers: { 'Content-Type': 'application/json' },
          });
          api = 'read: ' + (await r.text());
        } catch (e) { api = 'refused'; }
        return { ws, api, cookie: document.cookie };
      })();
    </script>`;
    // In the profile that is signed in, and in a second profile.
    const signedIn = await e2e.browser.newContext();
    await signInAsMia(await signedIn.newPage());
    const second = await e2e.browser.newContext();
    for (const context of [signedIn, second]) {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${otherPort}/`);
      const r = await page.evaluate(() => (window as unknown as { results: unknown }).results);
      expect(r).toEqual({ ws: 'refused', api: 'refused', cookie: '' });
    }
    // The second profile never carried a session; what the first sends to other ports is an
    // HttpOnly cookie named for Atelier's port, useless without the page's CSRF token.
    expect(cookiesSeen.at(-1)).toBe('');
    await signedIn.close();
    await second.close();
  });
});
