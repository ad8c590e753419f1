import { rmSync } from 'node:fs';
import { emptyParams } from '../../../contract/process';
import type { Atelier } from '../../app/atelier';
import type { AssetRow } from '../../db/schema';
import { fileColumns, prepareFile, stampOf } from '../../ingest/prepare';
import { indexSaid } from '../../ingest/searchText';
import { defineJobKind } from '../../jobs/registry';
import type { JobKind } from '../../jobs/types';
import { thumbPath } from '../../thumbs/paths';
import { nowIso } from '../../util/ids';
import { assetIdField, assetTitle, loadSource } from '../kindSupport';

/**
 * Runs the file through the ingest pipeline's preparation again (content check, hash, probe,
 * thumbnails, perceptual hash) and writes what it found into the row.
 */
async function reprepare(core: Atelier, a: AssetRow) {
  const f = await prepareFile(a.path, await stampOf(a.path), core.layout, () => false);
  const p = f.probe!;
  await core.db
    .updateTable('assets')
    .set({
      ...fileColumns(f, p),
      language: p.language ?? a.language,
      updated_at: nowIso(),
    })
    .where('id', '=', a.id)
    .execute();
  if (f.type === 'subtitles') indexSaid(core.sqlite, a.id, p.said);
  core.events.emit('status.changed', { reason: 'asset-updated' });
  return f.sha256;
}

const params = emptyParams.extend(assetIdField);

/** Re-reads a file's facts (size, dimensions, duration, codecs, hash) into its asset row. */
export const metadataExtractKind: JobKind<typeof params> = defineJobKind({
  kind: 'metadata_extract',
  params,
  pools: ['io'],
  restart: 'rerun',
  maxAttempts: 3,
  title: async (p, core) => `Read metadata of ${await assetTitle(core, p.assetId)}`,
  async run(ctx, p) {
    const a = await loadSource(
      ctx.core,
      p.assetId,
      ['image', 'audio', 'video', 'subtitles'],
      'Metadata',
    );
    ctx.progress(0.2, 'Reading the file');
    const sha256 = await reprepare(ctx.core, a);
    return { result: { sha256, changed: sha256 !== a.sha256 } };
  },
});

/** Re-makes an asset's thumbnails (content-addressed by its current hash). */
export const thumbnailKind: JobKind<typeof params> = defineJobKind({
  kind: 'thumbnail',
  params,
  pools: ['cpu'],
  restart: 'rerun',
  maxAttempts: 3,
  title: async (p, core) => `Thumbnail ${await assetTitle(core, p.assetId)}`,
  async run(ctx, p) {
    const a = await loadSource(
      ctx.core,
      p.assetId,
      ['image', 'audio', 'video', 'subtitles'],
      'Thumbnails',
    );
    ctx.progress(0.3, 'Rendering thumbnails');
    // An explicit re-run means "make them again", so the old files go first.
    if (a.thumb_key)
      for (const v of ['thumb', 'thumb-small', 'poster', 'waveform'] as const)
        rmSync(thumbPath(ctx.core.layout, a.thumb_key, v), { force: true });
    const sha256 = await reprepare(ctx.core, a);
    return { result: { thumbKey: sha256 } };
  },
});
