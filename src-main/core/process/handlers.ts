import { AppError } from '../../contract/errors';
import type { processMethods } from '../../contract/process';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { enqueueBatch, enqueueJob } from '../jobs/enqueue';
import { requireJobKind } from '../jobs/registry';
import './kinds';
import { lineageOf } from './lineage';
import { assetTitle } from './kindSupport';

const kindLabels: Record<string, string> = {
  upscale: 'Upscale',
  denoise_audio: 'Denoise audio',
  denoise_video: 'Denoise video',
  enhance: 'Enhance',
  transcode: 'Convert',
  metadata_extract: 'Read metadata',
  thumbnail: 'Thumbnails',
};

export function processHandlers(core: Atelier): HandlersFor<keyof typeof processMethods> {
  return {
    'process.run': async (input, ctx) => {
      requireJobKind(input.kind);
      const ids = [...new Set(input.assetIds)];
      const missing = await core.db
        .selectFrom('assets')
        .select('id')
        .where('id', 'in', ids)
        .execute();
      if (missing.length !== ids.length) {
        const found = new Set(missing.map((m) => m.id));
        const absent = ids.filter((i) => !found.has(i));
        throw new AppError(
          'not_found',
          `No asset ${absent.slice(0, 3).join(', ')}${absent.length > 3 ? ` and ${absent.length - 3} more` : ''}`,
        );
      }
      if (ids.length === 1) {
        const job = await enqueueJob(
          core,
          input.kind,
          { ...input.params, assetId: ids[0] },
          { priority: input.priority, assetId: ids[0], createdBy: ctx.caller.userId },
        );
        return { jobId: job.id, childJobIds: [] };
      }
      const title = `${kindLabels[input.kind] ?? input.kind} ${ids.length} files (first: ${await assetTitle(core, ids[0]!)})`;
      const { parent, childIds } = await enqueueBatch(
        core,
        input.kind,
        title,
        ids.map((assetId) => ({ params: { ...input.params, assetId }, assetId })),
        { priority: input.priority, createdBy: ctx.caller.userId },
      );
      return { jobId: parent.id, childJobIds: childIds };
    },
    'process.lineage': ({ assetId }) => lineageOf(core, assetId),
  };
}
