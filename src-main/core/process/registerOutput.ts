import { rmSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import type { ProvenanceName } from '../../contract/library';
import type { LinkRole, LinkSourceKind } from '../../contract/process';
import type { AssetRow } from '../db/schema';
import { readEngineSettings } from '../engines/engineSettings';
import { IngestError } from '../util/ingestError';
import { fileColumns, prepareFile, stampOf, type PreparedFile } from '../ingest/prepare';
import { indexSaid } from '../ingest/searchText';
import { nowIso, uuidv7 } from '../util/ids';
import { clearPlacementJournal, placementJournal } from '../jobs/placementJournal';
import { deferPictures } from '../media/deferredPictures';
import { outputName, placeOutput } from './placeOutput';

/** One thing an output was made from, and the part it played. */
export interface OutputLink {
  role: LinkRole;
  kind: LinkSourceKind;
  id: string;
  /** A LoRA's weight, a mask's channel… */
  details?: unknown;
}

/** What a generated output says about how it was made (its source has none to copy). */
export interface OutputGeneration {
  prompt: string | null;
  negativePrompt: string | null;
  seed: string | null;
  model: string | null;
  modelHash: string | null;
  params: unknown;
  /** The text chunks written into the file (`parameters`…), shown as its raw metadata. */
  rawMetadata?: Record<string, string> | null;
}

export interface OutputSpec {
  /**
   * The asset it was made from, if one: it names the output and lends it its title, theme and
   * generation facts (an upscale keeps its prompt). It is linked as `source` unless `links`
   * give it another role (`init` for img2img).
   */
  source: AssetRow | null;
  /** The finished file in the job's temp dir. */
  tempFile: string;
  /** `x4`, `denoised`, `enhanced`… */
  suffix: string;
  ext: string;
  /** The file name to start from when there is no source ("castle-42"). */
  baseName?: string;
  /** ai_generated for generations and samples, enhanced for processing, derived otherwise. */
  provenance: Extract<ProvenanceName, 'ai_generated' | 'enhanced' | 'derived'>;
  /** Every source beyond `source`, with its role: references, masks, LoRAs, a dataset… */
  links?: OutputLink[];
  generation?: OutputGeneration;
  derivation: { kind: string; params: unknown; engine?: string; [k: string]: unknown };
  jobId: string;
  isUpscaled?: boolean;
  signal?: AbortSignal;
  /** The project it belongs to (an order's); else its source's. */
  projectId?: string | null;
  /** What language it is in (subtitles, a dub, a localised video); else what the file says, else its source's when alike. */
  language?: string | null;
}

/** The links an output gets: its source asset first (as `source` unless told otherwise), then the rest. */
export function outputLinks(spec: Pick<OutputSpec, 'source' | 'links'>): OutputLink[] {
  const links = [...(spec.links ?? [])];
  if (spec.source && !links.some((l) => l.kind === 'asset' && l.id === spec.source!.id))
    links.unshift({ role: 'source', kind: 'asset', id: spec.source.id });
  const seen = new Set<string>();
  return links.filter((l) => {
    const k = `${l.role}|${l.kind}|${l.id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
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
      { pictures: false, language: spec.language },
    );
  } catch (err) {
    if (err instanceof IngestError)
      throw new AppError('internal', `The output is not a valid file: ${err.message}`);
    throw err;
  }
  spec.signal?.throwIfAborted();
  const facts = prepared.probe;
  if (!facts) throw new AppError('internal', `Could not probe the output ${spec.tempFile}`);
  const src = spec.source;
  const dir =
    settings.outputLocation === 'beside_source' && src
      ? path.dirname(src.path)
      : core.layout.outputs;
  const jobDir = path.dirname(spec.tempFile);
  const finalPath = placeOutput(
    spec.tempFile,
    dir,
    outputName(src?.path ?? `${spec.baseName ?? 'output'}.${spec.ext}`, spec.suffix, spec.ext),
    placementJournal(jobDir),
  );
  const id = uuidv7();
  const at = nowIso();
  const links = outputLinks(spec);
  // derived_from is the first asset this came from: the quick "made from" the grid shows.
  const primary = links.find(
    (l) => l.kind === 'asset' && (l.role === 'source' || l.role === 'init'),
  );
  const gen = spec.generation;
  try {
    await core.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('assets')
        .values({
          id,
          path: finalPath,
          folder_id: null,
          project_id: spec.projectId ?? src?.project_id ?? null,
          filename: path.basename(finalPath),
          ext: spec.ext,
          ...fileColumns(prepared, facts),
          language:
            spec.language ??
            facts.language ??
            (src && src.type === prepared.type ? src.language : null),
          title: src?.title ?? '',
          theme: src?.theme ?? null,
          source: src?.source ?? null,
          provenance: spec.provenance,
          // Generation facts still describe the picture: an upscale keeps its prompt and seed.
          prompt: gen ? gen.prompt : (src?.prompt ?? null),
          negative_prompt: gen ? gen.negativePrompt : (src?.negative_prompt ?? null),
          seed: gen ? gen.seed : (src?.seed ?? null),
          model: gen ? gen.model : (src?.model ?? null),
          model_hash: gen ? gen.modelHash : (src?.model_hash ?? null),
          generation_params: gen
            ? gen.params === undefined || gen.params === null
              ? null
              : JSON.stringify(gen.params)
            : (src?.generation_params ?? null),
          ...(gen?.rawMetadata ? { raw_metadata: JSON.stringify(gen.rawMetadata) } : {}),
          derived_from: primary?.id ?? null,
          derivation: JSON.stringify(spec.derivation),
          is_upscaled: spec.isUpscaled ? 1 : 0,
          job_id: spec.jobId,
          created_at: at,
          added_at: at,
          updated_at: at,
        })
        .execute();
      if (facts.said) indexSaid(core.sqlite, id, facts.said);
      if (links.length)
        await trx
          .insertInto('asset_links')
          .values(
            links.map((l, position) => ({
              asset_id: id,
              role: l.role,
              source_kind: l.kind,
              source_id: l.id,
              position,
              details: l.details === undefined ? null : JSON.stringify(l.details),
              created_at: at,
            })),
          )
          .execute();
    });
  } catch (err) {
    rmSync(finalPath, { force: true });
    throw err;
  }
  clearPlacementJournal(jobDir);
  if (prepared.type === 'audio' || prepared.type === 'video') deferPictures(core, id);
  core.events.emit('status.changed', { reason: 'asset-added' });
  return id;
}
