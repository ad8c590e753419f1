// Takes a screenshot of a running Atelier page in Debian's Chromium: a quick way to look at a
// screen as a creator would. Usage: node scripts/screenshot.mjs URL OUT.png [--dark] [--hash #/settings]
import { chromium } from 'playwright-core';

const [url, out = 'screenshot.png', ...rest] = process.argv.slice(2);
const dark = rest.includes('--dark');
const hashIdx = rest.indexOf('--hash');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const page = await browser.newPage({
  viewport: { width: 1280, height: 800 },
  colorScheme: dark ? 'dark' : 'light',
});
await page.goto(url);
if (hashIdx >= 0) await page.evaluate((h) => (location.hash = h), rest[hashIdx + 1]);
await page.waitForTimeout(800);
await page.screenshot({ path: out });
await browser.close();
