import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { setPngText } from '../../src-main/core/generate/pngParameters';
import { serveWithBrowser } from './support/session';
import { pythonZip, yauzlRead } from '../core/zip/readers';

const e2e = serveWithBrowser();
const api = e2e.api;
const shots = path.resolve('test-results/screens');
const sizes = [
  [1440, 900],
  [1280, 800],
  [1024, 700],
] as const;
const SECRET = 'a secret prompt, masterpiece, best quality';

/** Every PNG chunk type of `buf`. */
function pngChunks(buf: Buffer): string[] {
  const out: string[] = [];
  let pos = 8;
  while (pos + 12 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    out.push(buf.toString('latin1', pos + 4, pos + 8));
    pos += 12 + len;
  }
  return out;
}

beforeAll(async () => {
  const media = path.join(e2e.serve.root, 'media');
  mkdirSync(media);
  // AI images as A1111 writes them: a `parameters` text chunk with the prompt, seed and model.
  for (let i = 0; i < 3; i++) {
    const png = await sharp({
      create: {
        width: 320 + i * 80,
        height: 240,
        channels: 3,
        background: { r: 60 * i, g: 120, b: 180 },
      },
    })
      .png()
      .toBuffer();
    writeFileSync(
      path.join(media, `gen_${i}.png`),
      setPngText(png, {
        parameters: `${SECRET}\nNegative prompt: ugly\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: ${1000 + i}, Size: ${320 + i * 80}x240, Model: dreamshaper_8`,
      }),
    );
  }
  // importFiles answers once the files are in the Library.
  await api('ingest.importFiles', { paths: [media] });
});

/** Screenshots at the three sizes, light and dark, with `focus` (a section) scrolled into view. */
async function shootAll(page: Page, name: string, focus?: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  for (const [w, h] of sizes)
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.emulateMedia({ colorScheme: scheme });
      if (focus)
        await page.evaluate((sel) => {
          document.querySelector(sel)?.scrollIntoView({ block: 'start' });
        }, focus);
      await page.waitForTimeout(150);
      await page.screenshot({ path: path.join(shots, `${name}-${w}-${scheme}.png`) });
    }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('selling a pack in the browser', () => {
  it('checks offer their fix inline and refresh by themselves; Export says why it is disabled', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl + '#/packs');
    await page.getByLabel('New pack name').fill('Secret Sauce');
    await page.getByRole('button', { name: 'New pack' }).click();
    await expect
      .poll(() => page.getByLabel('Name', { exact: true }).inputValue())
      .toBe('Secret Sauce');
    await page.getByRole('button', { name: 'Add assets' }).click();
    await page.getByLabel('Which assets').selectOption('all');
    await expect.poll(() => page.locator('.pack-pick').count()).toBe(3);
    for (const tile of await page.locator('.pack-pick').all()) await tile.click();
    await page.getByRole('button', { name: /Add 3 to pack/ }).click();
    await expect.poll(() => page.locator('.pack-asset').count()).toBe(3);

    // Ingest left them pending and no seller name is set: each issue has its fix beside it.
    const unapproved = page.locator('.pack-issue[data-code="unapproved"]');
    await expect.poll(() => unapproved.count()).toBe(1);
    const placeholder = page.locator('.pack-issue[data-code="placeholder"]');
    await expect
      .poll(() => placeholder.getByRole('button', { name: 'Set your name' }).count())
      .toBe(1);
    // Export is disabled and says why, beside the button.
    const exportButton = page.getByRole('button', { name: /^Export for/ });
    expect(await exportButton.isDisabled()).toBe(true);
    await expect
      .poll(() => page.getByTestId('export-reason').textContent())
      .toMatch(/Blocked by 1 check: set your name/);
    await page.getByTestId('checks-summary').waitFor();
    await shootAll(page, 'packs-checks', '[aria-label="Checks"]');

    // "Approve these 3" approves them; the warning leaves without "Check again".
    await unapproved.getByRole('button', { name: 'Approve these 3' }).click();
    await expect.poll(() => unapproved.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.locator('.pill.approved').count()).toBe(3);

    // "Set your name" opens Settings with the cursor in the name field.
    await placeholder.getByRole('button', { name: 'Set your name' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('owner');
    await expect.poll(() => page.getByTestId('export-defaults').isVisible()).toBe(true);
    await page.getByTestId('export-defaults').scrollIntoViewIfNeeded();
    await shootAll(page, 'settings-export-defaults', '[data-testid="export-defaults"]');
    // The name and contact set (here through the api, as another window would): back on the
    // pack, the blocking check has gone by itself and Export is enabled.
    await api('settings.update', { ownerName: 'E2E Studio', supportContact: 'help@e2e.example' });
    await page.goto(e2e.serve.url + '#/packs');
    await expect.poll(() => placeholder.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => exportButton.isDisabled()).toBe(false);
    expect(await page.getByTestId('export-reason').count()).toBe(0);

    // A fix made while the page is open refreshes the checks too: reject one in the Library's api.
    const pack = (await api<{ id: string; name: string }[]>('packs.list', {})).find(
      (p) => p.name === 'Secret Sauce',
    )!;
    const items = await api<{ items: { assetId: string }[] }>('packs.assets', {
      packId: pack.id,
    });
    const victim = items.items[2]!.assetId;
    await api('curation.set', { selection: { ids: [victim] }, patch: { status: 'rejected' } });
    const rejected = page.locator('.pack-issue[data-code="rejected"]');
    await expect.poll(() => rejected.count(), { timeout: 10_000 }).toBe(1);
    await rejected.getByRole('button', { name: 'Remove from pack' }).click();
    await expect.poll(() => page.locator('.pack-asset').count()).toBe(2);
    await expect.poll(() => rejected.count(), { timeout: 10_000 }).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports without prompts: a real Download of the ZIP, no prompts/ and no text chunks in its PNGs', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl + '#/packs');
    await expect.poll(() => page.locator('.pack-asset').count()).toBe(2);
    // The defaults: prompts left out, metadata stripped.
    expect(await page.getByLabel(/Include prompts/).isChecked()).toBe(false);
    expect(await page.getByLabel(/Strip generation metadata/).isChecked()).toBe(true);
    await page.getByRole('button', { name: /^Export for/ }).click();
    await expect
      .poll(() => page.locator('.pack-history li').first().textContent(), { timeout: 60_000 })
      .toMatch(/completed/);
    expect(await page.locator('.pack-history li').first().textContent()).toMatch(
      /prompts left out · metadata stripped/,
    );
    await shootAll(page, 'packs-exported', '[aria-label="Export"]');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-download').first().click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^secret_sauce_\d{8}_\d{6}\.zip$/);
    const saved = path.join(e2e.serve.root, 'downloaded.zip');
    await download.saveAs(saved);
    expect(pythonZip(saved).bad).toBeNull();
    const entries = await yauzlRead(saved, () => true);
    const names = entries.map((e) => e.name.split('/').slice(1).join('/'));
    expect(names.some((n) => n.startsWith('prompts'))).toBe(false);
    const pngs = entries.filter((e) => /\/assets\/.+\.png$/.test(e.name));
    expect(pngs).toHaveLength(2);
    for (const e of pngs) {
      const chunks = pngChunks(e.data!);
      for (const t of ['tEXt', 'iTXt', 'zTXt', 'eXIf']) expect(chunks, e.name).not.toContain(t);
      expect(e.data!.includes(Buffer.from('secret prompt'))).toBe(false);
      expect((await sharp(e.data!).metadata()).format).toBe('png');
    }
    const manifest = JSON.parse(
      entries.find((e) => e.name.endsWith('manifest.json'))!.data!.toString('utf8'),
    );
    expect(manifest.includes).toMatchObject({ prompts: false, generation_metadata_stripped: true });
    expect(JSON.stringify(manifest)).not.toContain('secret prompt');
    // The original files keep their metadata: only the export is stripped.
    const original = readFileSync(path.join(e2e.serve.root, 'media', 'gen_0.png'));
    expect(pngChunks(original)).toContain('iTXt');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('picks a hero, renames all by pattern, edits the licence text and re-exports as v1.1.0', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.serve.openUrl + '#/packs');
    await expect.poll(() => page.locator('.pack-asset').count()).toBe(2);
    const pack = (await api<{ id: string; name: string }[]>('packs.list', {})).find(
      (p) => p.name === 'Secret Sauce',
    )!;

    // Hero: the second picture.
    const second = page.locator('.pack-mk').nth(1);
    const heroId = await second.getAttribute('data-asset-id');
    await second.locator('.pack-mk-pick').click();
    await expect
      .poll(
        async () => (await api<{ heroAssetId: string }>('packs.get', { id: pack.id })).heroAssetId,
      )
      .toBe(heroId);

    // Rename all: the preview shows the names, Rename applies them.
    await page.getByRole('button', { name: 'Rename all…' }).click();
    await page.getByLabel('Name pattern').fill('{pack}-{n:03}');
    await expect
      .poll(() => page.getByTestId('rename-preview').textContent())
      .toBe('secret_sauce-001.png, secret_sauce-002.png');
    await page.getByRole('button', { name: 'Rename 2 files' }).click();
    await expect
      .poll(() => page.locator('.pack-asset input').first().inputValue())
      .toBe('secret_sauce-001.png');

    // The pack's own licence text.
    await page.getByRole('button', { name: 'Edit licence text' }).click();
    const editor = page.getByLabel('Licence text');
    await expect.poll(() => editor.inputValue()).toMatch(/\{\{HOLDER\}\}/);
    await editor.fill('SECRET SAUCE LICENCE\n\n(c) {{YEAR}} {{HOLDER}}. Games only.\n');
    await page.getByRole('button', { name: 'Save licence text' }).click();
    await expect.poll(() => page.locator('.pill', { hasText: 'own text' }).count()).toBe(1);

    // Re-export: v1.1.0 with a changelog line.
    await page.getByLabel('Version bump').selectOption('minor');
    await page.getByLabel('What changed').fill('Renamed the files');
    await shootAll(page, 'packs-selling', '[aria-label="Marketing images"]');
    await page.getByRole('button', { name: /^Export for/ }).click();
    await expect
      .poll(() => page.locator('.pack-history li').first().textContent(), { timeout: 60_000 })
      .toMatch(/v1\.1\.0.*completed/);
    const [rec] = await api<{ files: { path: string }[] }[]>('packs.exports', { packId: pack.id });
    const entries = await yauzlRead(rec!.files[0]!.path, (n) => /README|LICENSE/.test(n));
    const readme = entries.find((e) => e.name.endsWith('README.md'))!.data!.toString();
    expect(readme).toMatch(/- 1\.1\.0 — \d{4}-\d\d-\d\d — Renamed the files/);
    expect(entries.find((e) => e.name.endsWith('LICENSE.txt'))!.data!.toString()).toMatch(
      /^SECRET SAUCE LICENCE\r\n\r\n\(c\) \d{4} E2E Studio/,
    );
    expect(entries.some((e) => e.name.endsWith('assets/secret_sauce-002.png'))).toBe(true);
    expect(entries.some((e) => e.name.endsWith('previews/hero_01.jpg'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
