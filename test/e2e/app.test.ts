import { describe, expect, it } from 'vitest';
import { serveWithBrowser } from './support/session';

const e2e = serveWithBrowser();

describe('the app in Chromium over serve mode', () => {
  it('loads from the printed URL and shows the live status', async () => {
    const page = await e2e.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl);
    // The token moved into a cookie and out of the address bar.
    expect(page.url()).not.toContain('token=');
    await expect
      .poll(() => page.getByTestId('sidebar-status').textContent())
      .toMatch(/0 assets · v\d/);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('status-datadir').textContent())
      .toBe(e2e.serve.dataDir);
    expect(await page.getByTestId('status-schema').textContent()).toMatch(/version \d+ of \d+/);
    expect(await page.getByTestId('status-version').textContent()).toMatch(/Atelier \d+\.\d+\.\d+/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps every page free of render errors', async () => {
    const page = await e2e.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl);
    for (const name of ['Library', 'Packs', 'Jobs', 'Usage', 'Settings']) {
      await page.getByRole('button', { name, exact: true }).click();
      await expect.poll(() => page.locator('h1').first().textContent()).toBe(name);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('saves settings through the api and applies the dark theme', async () => {
    const page = await e2e.browser.newPage();
    await page.goto(e2e.serve.openUrl + '#/settings');
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByLabel('Your name or studio').fill('Ada Studio');
    expect(await page.getByLabel('Theme').inputValue()).toBe('dark');
    // Settings save as they change: no Save button to forget.
    const saved = async () => {
      const res = await fetch(`${e2e.serve.url}api/settings.get`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${e2e.serve.token}` },
      });
      return ((await res.json()) as { value: { theme: string; ownerName: string } }).value;
    };
    await expect.poll(saved).toMatchObject({ theme: 'dark', ownerName: 'Ada Studio' });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.dataset.theme))
      .toBe('dark');
    await page.close();
  });

  it('shows a browser without the token the way in, and its api calls answer 401', async () => {
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    await page.goto(e2e.serve.url);
    await expect
      .poll(() => page.locator('h1').textContent())
      .toMatch(/Open the link from your terminal/);
    expect(await page.getByRole('button', { name: 'Library' }).count()).toBe(0);
    const wrong = await page.goto(`${e2e.serve.url}?token=not-the-token`);
    expect(wrong?.status()).toBe(401);
    const api = await page.request.post(`${e2e.serve.url}api/system.status`, { data: {} });
    expect(api.status()).toBe(401);
    await context.close();
  });
});
