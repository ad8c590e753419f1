import path from 'node:path';
import type { Page } from 'playwright-core';
import { schemes, scrollAllToTop, viewports } from './generateWorld';

export const shotsDir = path.resolve('test-results/screens');

/**
 * `<name>-<width>-<scheme>.png` at each of the three window sizes, light and dark, every scrolled
 * box at its top; the page is left at 1440×900, light.
 */
export async function shootAll(
  page: Page,
  name: string,
  opts: { scrollTop?: boolean; prepare?: () => Promise<void> } = {},
): Promise<string[]> {
  const files: string[] = [];
  await dismissToasts(page);
  if (opts.scrollTop !== false) await scrollAllToTop(page);
  for (const [w, h] of viewports)
    for (const scheme of schemes) {
      await page.setViewportSize({ width: w, height: h });
      await page.emulateMedia({ colorScheme: scheme });
      // A frame for the layout (container queries, sticky panels) to settle at the new size.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      await opts.prepare?.();
      const file = path.join(shotsDir, `${name}-${w}-${scheme}.png`);
      await page.screenshot({ path: file });
      files.push(file);
    }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  return files;
}

/** Toasts from earlier steps would cover what a screen is for. */
export async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.getByRole('region', { name: 'Notifications' }).getByRole('button', {
    name: 'Dismiss',
  });
  while ((await buttons.count()) > 0) await buttons.first().click();
}
