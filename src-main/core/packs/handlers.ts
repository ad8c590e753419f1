import { AppError } from '../../contract/errors';
import type { packsMethods } from '../../contract/packs';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { checkHostPath } from '../app/hostPaths';
import { enqueueJob } from '../jobs/enqueue';
import { cancelJob } from '../jobs/queue';
import { runnerOf } from '../jobs/runnerRegistry';
import { uuidv7 } from '../util/ids';
import { checkPack } from './checks';
import { getExport, listExports, markInterrupted } from './exportHistory';
import './exportJob';
import { exportPack, isExportRunning } from './exportPack';
import { licenseTemplate, renderLicense } from './licenses';
import {
  addAssets,
  createPack,
  deletePack,
  exportDefaults,
  setExportDefaults,
  listPackAssets,
  listPacks,
  moveAsset,
  removeAssets,
  requirePack,
  setAccepted,
  setExportName,
  toSummary,
  updatePack,
} from './packStore';
import { listPresets } from './presets';
import { renameAll } from './renamePattern';
import { osShell } from '../desktop/osShell';
import { statements } from '../db/statements';

/** Exports run in this process without a queue runner (CLI-less hosts before the runner starts). */
const direct = new Map<string, AbortController>();

export function packsHandlers(core: Atelier): HandlersFor<keyof typeof packsMethods> {
  return {
    'packs.list': ({ projectId }) => listPacks(core, { projectId }),
    'packs.get': ({ id }) => toSummary(requirePack(core, id)),
    'packs.create': (input) => createPack(core, input),
    'packs.update': (input) => updatePack(core, input),
    'packs.delete': ({ id }) => deletePack(core, id),
    'packs.assets': ({ packId, after, limit }) => listPackAssets(core, packId, after, limit),
    'packs.addAssets': ({ packId, assetIds, query, selection }) =>
      addAssets(core, packId, assetIds, query, selection),
    'packs.removeAssets': ({ packId, assetIds }) => removeAssets(core, packId, assetIds),
    'packs.moveAsset': ({ packId, assetId, toIndex }) => moveAsset(core, packId, assetId, toIndex),
    'packs.setExportName': ({ packId, assetId, exportFilename }) =>
      setExportName(core, packId, assetId, exportFilename),
    'packs.renameAll': ({ packId, pattern, dryRun }) => renameAll(core, packId, pattern, dryRun),
    'packs.exportDefaults': () => exportDefaults(core),
    'packs.setExportDefaults': (patch) => setExportDefaults(core, patch),
    'packs.check': ({ packId, preset }) => checkPack(core, packId, { preset }),
    'packs.acceptIssue': async ({ packId, key, accepted }) => {
      setAccepted(core, packId, key, accepted);
      return checkPack(core, packId);
    },
    'packs.licenseText': async ({ packId, licenseType }) => {
      const pack = requirePack(core, packId);
      const s = await core.settings.getAll();
      const type = licenseType ?? pack.license_type;
      const custom = licenseType && licenseType !== pack.license_type ? null : pack.license_text;
      const rendered = renderLicense(
        type,
        {
          holder: s.ownerName,
          support: s.supportContact,
          packName: pack.name,
          packVersion: pack.version,
          year: new Date().getFullYear(),
        },
        // Asking for another type previews that type's template, not the pack's own text.
        custom,
      );
      return { ...rendered, source: custom ?? licenseTemplate(type), custom: !!custom };
    },
    'packs.presets': () => listPresets(),
    'packs.export': async ({ packId, options }, ctx) => {
      requirePack(core, packId);
      if (options.outDir) checkHostPath(core, ctx, options.outDir, 'The export folder');
      const exportId = uuidv7();
      if (runnerOf(core)) {
        const job = await enqueueJob(
          core,
          'packs.export',
          { packId, exportId, options },
          { packId, createdBy: ctx.caller.userId },
        );
        return { exportId, jobId: job.id };
      }
      // No queue runner in this host: run it here, still returning at once.
      const ac = new AbortController();
      direct.set(exportId, ac);
      void exportPack(core, packId, options, {
        signal: ac.signal,
        exportId,
        onProgress: (fraction, message) =>
          core.events.emit('packs.exportProgress', { exportId, packId, fraction, message }),
      })
        .catch(() => undefined) // recorded in the export history and announced by packs.exportFinished
        .finally(() => direct.delete(exportId));
      return { exportId, jobId: null };
    },
    'packs.cancelExport': ({ exportId }) => {
      const ac = direct.get(exportId);
      if (ac) {
        ac.abort(new Error('Cancelled'));
        return { ok: true };
      }
      const rec = getExport(core, exportId);
      if (!rec) throw new AppError('not_found', `No export ${exportId}`);
      if (rec.status !== 'running' || !rec.jobId) return { ok: false };
      cancelJob(core, rec.jobId);
      return { ok: true };
    },
    'packs.exports': ({ packId, limit }) => {
      requirePack(core, packId);
      markInterrupted(core, (id) => isExportRunning(id) || direct.has(id) || isQueued(core, id));
      return listExports(core, packId, limit);
    },
    'packs.reveal': async ({ exportId }) => {
      const rec = getExport(core, exportId);
      if (!rec) throw new AppError('not_found', `No export ${exportId}`);
      const target = rec.files[0]?.path ?? rec.outDir;
      return { path: target, revealed: await osShell(core).reveal(target) };
    },
  };
}

/** An export whose job is still queued has a row only once it starts, so a 'running' row with a live job is live. */
function isQueued(core: Atelier, exportId: string): boolean {
  const rec = getExport(core, exportId);
  if (!rec?.jobId) return false;
  const job = statements(core.sqlite).get('SELECT status FROM jobs WHERE id = ?').get(rec.jobId) as
    | { status: string }
    | undefined;
  return job?.status === 'queued' || job?.status === 'running';
}
