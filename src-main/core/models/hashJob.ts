import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { defineJobKind } from '../jobs/registry';
import type { JobKind } from '../jobs/types';
import { sha256File } from './files/hashFile';
import { recordModelHash, unhashedLocalFiles } from './registry';

const params = z.object({}).strict();

/**
 * SHA-256 of every model file not hashed yet, smallest first (LoRAs are ready in seconds; a
 * 6 GB checkpoint takes a while). A file changed or gone since the scan is skipped: the next
 * scan sees it again. Stored per size+mtime, so a file is read in full once.
 */
export const hashModelsKind: JobKind<typeof params> = defineJobKind({
  kind: 'hash_models',
  params,
  pools: ['io'],
  restart: 'rerun',
  title: () => 'Hash model files',
  async run(ctx) {
    const files = unhashedLocalFiles(ctx.core);
    const total = files.reduce((n, f) => n + (f.size_bytes ?? 0), 0) || 1;
    let done = 0;
    let hashed = 0;
    for (const f of files) {
      ctx.signal.throwIfAborted();
      const st = await stat(f.path).catch(() => null);
      if (!st || st.size !== f.size_bytes) continue;
      const base = done;
      const sha = await sha256File(f.path, {
        signal: ctx.signal,
        onProgress: (n) =>
          ctx.progress((base + n) / total, `Hashing ${f.path.split(/[\\/]/).pop()}`),
      });
      recordModelHash(ctx.core, 'local', f.path, sha);
      done += st.size;
      hashed++;
    }
    ctx.core.events.emit('models.changed', {});
    return { result: { hashed } };
  },
});
