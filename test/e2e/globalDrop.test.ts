import { describe, expect, it } from 'vitest';
import { pngBuffer } from '../core/ingest/fixtures';
import { serveWithBrowser } from './support/session';

const e2e = serveWithBrowser();

describe('a file dropped anywhere in the window', () => {
  it('is imported (and the Library shown), never opened in place of the app', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl + '#/jobs');
    await page.getByRole('heading', { name: 'Jobs' }).first().waitFor();
    const before = await page.evaluate(() => location.href);
    const png = [...(await pngBuffer(48, 32, { seed: 3 }))];
    const dropped = await page.evaluate((bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'dropped-on-jobs.png', { type: 'image/png' }));
      const ev = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
      document.body.dispatchEvent(ev);
      return ev.defaultPrevented;
    }, png);
    expect(dropped).toBe(true);
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/library');
    expect(page.url().split('#')[0]).toBe(before.split('#')[0]);
    await expect
      .poll(async () => {
        const r = await e2e.api<{ items: { filename: string }[] }>('assets.list', {});
        return r.items.map((a) => a.filename);
      })
      .toContain('dropped-on-jobs.png');
    expect(errors).toEqual([]);
    await page.close();
  });
});
