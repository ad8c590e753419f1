import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium through playwright-core: no browser download, ever. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Opens the served app on its Library and waits for the first card: the app remembers the last
 * page in the hash, so the Library is asked for by name and the page reloaded onto it.
 */
export async function openLibrary(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.goto(page.url().replace(/#.*$/, '') + '#/library');
  await page.reload();
  await page.locator('[data-testid=library-view] [data-testid=lib-card]').first().waitFor();
}
