import { rmSync } from 'node:fs';
import { emptyParams } from '../../../contract/process';
import { readEngineSettings } from '../../engines/engineSettings';
import { resolveFfTool } from '../../engines/ffmpeg';
import { registerJobKind } from '../../jobs/registry';
import type { JobKind } from '../../jobs/types';
import { thumbPath } from '../../media/resolveMedia';
import { nowIso } from '../../util/ids';
import { assetIdField, assetTitle, loadSource } from '../kindSupport';
import { probeMedia, sha256File } from '../probe';
import { makeThumbnails } from '../thumbnails';

const params = emptyParams.extend(assetIdField);

/** Re-reads a file's facts (size, dimensions, duration, codecs, hash) into its asset row. */
export const metadataExtractKind: JobKind<typeof params> = registerJobKind({
  kind: 'metadata_extract',
  params,
  resourceClass: 'io',
  idempotent: true,
  maxAttempts: 3,
  title: async (p, core) => `Read metadata of ${await assetTitle(core, p.assetId)}`,
  async run(ctx, p) {
    const a = await loadSource(ctx.core, p.assetId, ['image', 'audio', 'video'], 'Metadata');
    const s = await readEngineSettings(ctx.core.db);
    const f = await probeMedia(a.path, resolveFfTool('ffprobe', s.ffprobePath).path, ctx.signal);
    ctx.progress(0.5, 'Hashing');
    const sha256 = await sha256File(a.path, ctx.signal);
    await ctx.core.db
      .updateTable('assets')
      .set({
        sha256,
        mime: f.mime,
        size_bytes: f.sizeBytes,
        mtime_ms: f.mtimeMs,
        width: f.width,
        height: f.height,
        duration_sec: f.durationSec,
        sample_rate: f.sampleRate,
        channels: f.channels,
        fps: f.fps,
        codec: f.codec,
        audio_codec: f.audioCodec,
        bit_rate: f.bitRate,
        format: f.format,
        has_alpha: f.hasAlpha ? 1 : 0,
        has_audio: f.hasAudio ? 1 : 0,
        is_animated: f.isAnimated ? 1 : 0,
        updated_at: nowIso(),
      })
      .where('id', '=', a.id)
      .execute();
    return { result: { sha256, changed: sha256 !== a.sha256 } };
  },
});

/** Re-makes an asset's thumbnails (content-addressed by its current hash). */
export const thumbnailKind: JobKind<typeof params> = registerJobKind({
  kind: 'thumbnail',
  params,
  resourceClass: 'cpu',
  idempotent: true,
  maxAttempts: 3,
  title: async (p, core) => `Thumbnail ${await assetTitle(core, p.assetId)}`,
  async run(ctx, p) {
    const a = await loadSource(ctx.core, p.assetId, ['image', 'audio', 'video'], 'Thumbnails');
    const s = await readEngineSettings(ctx.core.db);
    const sha256 = await sha256File(a.path, ctx.signal);
    ctx.progress(0.3, 'Rendering thumbnails');
    // An explicit re-run means "make them again", so the old files go first.
    for (const v of ['thumb', 'thumb-small', 'poster', 'waveform'] as const)
      rmSync(thumbPath(ctx.core.layout, sha256, v), { force: true });
    await makeThumbnails(
      ctx.core,
      a.path,
      a.type,
      sha256,
      resolveFfTool('ffmpeg', s.ffmpegPath).path,
      a.duration_sec,
      ctx.signal,
    );
    await ctx.core.db
      .updateTable('assets')
      .set({ thumb_key: sha256, sha256, updated_at: nowIso() })
      .where('id', '=', a.id)
      .execute();
    ctx.core.events.emit('status.changed', { reason: 'thumbnails' });
    return { result: { thumbKey: sha256 } };
  },
});
