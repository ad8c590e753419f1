import { rmSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { setOsShell } from '../../../src-main/core/desktop/osShell';
import { openTestCore, type TestCore } from '../../helpers/core';

let t: TestCore;
afterEach(async () => {
  await t.close();
});

async function oneAsset(): Promise<{ id: string; file: string }> {
  const file = path.join(t.root, 'dusk.png');
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#aa5577' } })
    .png()
    .toFile(file);
  const summary = await t.call('ingest.importFiles', { paths: [file] });
  return { id: summary.outcomes[0]!.assetId!, file };
}

describe('reveal and open an asset', () => {
  it('hands the file to the host shell (the Electron host installs shell.showItemInFolder/openPath)', async () => {
    t = await openTestCore();
    const { id, file } = await oneAsset();
    const calls: string[] = [];
    setOsShell(t.core, {
      reveal: async (f) => (calls.push(`reveal ${f}`), true),
      open: async (f) => (calls.push(`open ${f}`), true),
    });
    expect(await t.call('assets.reveal', { id })).toEqual({ path: file, revealed: true });
    expect(await t.call('assets.open', { id })).toEqual({ path: file, opened: true });
    expect(calls).toEqual([`reveal ${file}`, `open ${file}`]);
  });

  it('does nothing on a serve host but returns the path, and names a missing file', async () => {
    t = await openTestCore({ host: 'serve' });
    const { id, file } = await oneAsset();
    expect(await t.call('assets.reveal', { id })).toEqual({ path: file, revealed: false });
    rmSync(file);
    const r = await t.api.invoke('assets.open', { id });
    expect(r).toMatchObject({ ok: false, error: { code: 'not_found' } });
    if (!r.ok) expect(r.error.message).toContain(file);
    expect(await t.api.invoke('assets.reveal', { id: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
