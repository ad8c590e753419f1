import { z } from 'zod';
import { exportOptionsSchema } from '../../contract/packs';
import type { JobKind } from '../jobs/types';
import { exportPack } from './exportPack';
import { requirePack } from './packStore';

const params = z.object({
  packId: z.string().min(1),
  exportId: z.string().min(1),
  options: exportOptionsSchema.prefault({}),
});

/**
 * The export as a queue job: cancel aborts the stream (the temp file is removed, nothing appears
 * under the final name); not idempotent, because a crash mid-export is reported rather than
 * silently re-run with a new timestamped name.
 */
export const exportPackJob: JobKind<typeof params> = {
  kind: 'packs.export',
  params,
  pools: ['io'],
  restart: 'fail',
  title: (p, core) => {
    try {
      return `Export pack ${requirePack(core, p.packId).name} (${p.options.preset})`;
    } catch {
      return 'Export pack';
    }
  },
  async run(ctx, p) {
    const record = await exportPack(ctx.core, p.packId, p.options, {
      signal: ctx.signal,
      exportId: p.exportId,
      jobId: ctx.jobId,
      onProgress: (f, m) => {
        ctx.progress(f, m);
        ctx.core.events.emit('packs.exportProgress', {
          exportId: p.exportId,
          packId: p.packId,
          fraction: f,
          message: m,
        });
      },
    });
    for (const s of record.skipped) ctx.log('warn', `Left out ${s.filename}: ${s.reason}`);
    for (const f of record.files)
      ctx.log('info', `Wrote ${f.path} (${f.bytes} bytes, sha256 ${f.sha256})`);
    return {
      result: {
        exportId: record.id,
        files: record.files.map((f) => f.path),
        skipped: record.skipped.length,
      },
    };
  },
};
