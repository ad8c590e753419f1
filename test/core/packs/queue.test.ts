import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PackExportRecord } from '../../../src-main/contract/packs';
import { openTestCore, type TestCore } from '../../helpers/core';
import { unzipTest } from '../zip/readers';
import { makeLibrary, setOwner } from './helpers';

let t: TestCore;
afterEach(async () => {
  await t?.close();
});

function finished(exportId: string): Promise<PackExportRecord> {
  return new Promise((resolve) =>
    t.core.events.on('packs.exportFinished', (e) => {
      if (e.exportId === exportId) resolve(e.record);
    }),
  );
}

describe('export on the job queue', () => {
  it('runs as a packs.export job with progress, and a cancel leaves nothing behind', async () => {
    t = await openTestCore({ services: true });
    await setOwner(t.call);
    const media = path.join(t.root, 'media');
    mkdirSync(media);
    const ids = await makeLibrary(t.core, media);
    const pack = await t.call('packs.create', { name: 'Queued' });
    await t.call('packs.addAssets', { packId: pack.id, assetIds: ids });
    const out = path.join(t.root, 'out');

    const started = await t.call('packs.export', { packId: pack.id, options: { outDir: out } });
    expect(started.jobId).toBeTruthy();
    const rec = await finished(started.exportId);
    expect(rec.status).toBe('completed');
    expect(rec.jobId).toBe(started.jobId);
    unzipTest(rec.files[0]!.path);
    await expect
      .poll(async () => (await t.call('jobs.get', { id: started.jobId! })).status)
      .toBe('completed');

    const second = await t.call('packs.export', {
      packId: pack.id,
      options: { outDir: out, preset: 'creative_market' },
    });
    const cancelled = finished(second.exportId);
    // Cancel as soon as the job reports its first progress.
    await new Promise<void>((resolve) =>
      t.core.events.on('packs.exportProgress', (e) => {
        if (e.exportId === second.exportId) resolve();
      }),
    );
    await t.call('packs.cancelExport', { exportId: second.exportId });
    const c = await cancelled;
    expect(c.status).toBe('cancelled');
    expect(readdirSync(out)).toEqual([path.basename(rec.files[0]!.path)]);
  });
});
