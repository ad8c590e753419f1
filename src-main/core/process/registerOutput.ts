import { rmSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import type { AssetRow } from '../db/schema';
import { readEngineSettings } from '../engines/engineSettings';
import { IngestError } from '../util/ingestError';
import { fileColumns, prepareFile, stampOf, type PreparedFile } from '../ingest/prepare';
import { nowIso, uuidv7 } from '../util/ids';
import { clearPlacementJournal, placementJournal } from '../jobs/placementJournal';
import { deferPictures } from '../media/deferredPictures';
import { outputName, placeOutput } from './placeOutput';

export interface OutputSpec {
  source: AssetRow;
  /** The finished file in the job's temp dir. */
  tempFile: string;
  /** `x4`, `denoised`, `enhanced`… */
  suffix: string;
  ext: string;
  derivation: { kind: string; params: unknown; engine?: string; [k: string]: unknown };
  jobId: string;
  isUpscaled?: boolean;
  signal?: AbortSignal;
}

/**
 * Turns a job's finished temp file into an asset linked to its source: probe (which also proves
 * it decodes), hash, thumbnails (deferred for audio and video), then a no-clobber move to
 * outputs/ (or beside the source), then the row. The source is never touched. If the row cannot
 * be written the placed file is removed, so there is never a registered partial output nor an
 * output without its lineage.
 */
export async function registerOutput(core: Atelier, spec: OutputSpec): Promise<string> {
  const settings = await readEngineSettings(core.db);
  // The same preparation the ingest pipeline gives every file (content check, hash, probe,
  // thumbnails, perceptual hash), so outputs look and search exactly like imported assets.
  let prepared: PreparedFile;
  try {
    // Audio and video pictures wait until the engines are idle (media/deferredPictures.ts).
    prepared = await prepareFile(
      spec.tempFile,
      await stampOf(spec.tempFile),
      core.layout,
      () => false,
      { pictures: false },
    );
  } catch (err) {
    if (err instanceof IngestError)
      throw new AppError('internal', `The output is not a valid file: ${err.message}`);
    throw err;
  }
  spec.signal?.throwIfAborted();
  const facts = prepared.probe;
  if (!facts) throw new AppError('internal', `Could not probe the output ${spec.tempFile}`);
  const dir =
    settings.outputLocation === 'beside_source'
      ? path.dirname(spec.source.path)
      : core.layout.outputs;
  const jobDir = path.dirname(spec.tempFile);
  const finalPath = placeOutput(
    spec.tempFile,
    dir,
    outputName(spec.source.path, spec.suffix, spec.ext),
    placementJournal(jobDir),
  );
  const id = uuidv7();
  const at = nowIso();
  const src = spec.source;
  try {
    await core.db
      .insertInto('assets')
      .values({
        id,
        path: finalPath,
        folder_id: null,
        project_id: src.project_id,
        filename: path.basename(finalPath),
        ext: spec.ext,
        ...fileColumns(prepared, facts),
        title: src.title,
        theme: src.theme,
        source: src.source,
        provenance: 'enhanced',
        // Generation facts still describe the picture: an upscale keeps its prompt and seed.
        prompt: src.prompt,
        negative_prompt: src.negative_prompt,
        seed: src.seed,
        model: src.model,
        model_hash: src.model_hash,
        generation_params: src.generation_params,
        derived_from: src.id,
        derivation: JSON.stringify(spec.derivation),
        is_upscaled: spec.isUpscaled ? 1 : 0,
        job_id: spec.jobId,
        created_at: at,
        added_at: at,
        updated_at: at,
      })
      .execute();
  } catch (err) {
    rmSync(finalPath, { force: true });
    throw err;
  }
  clearPlacementJournal(jobDir);
  if (prepared.type !== 'image') deferPictures(core, id);
  core.events.emit('status.changed', { reason: 'asset-added' });
  return id;
}
