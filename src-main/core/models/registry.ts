import path from 'node:path';
import type { ModelFamily, ModelKind } from '../../contract/models';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { nowIso, uuidv7 } from '../util/ids';
import type { ModelFacts } from './files/describeModel';
import { matchKey } from './modelNames';

/** A model file a scan found, here or on an engine server, and what its header said. */
export interface FoundFile {
  /** 'local', or the engine server's id. */
  location: string;
  path: string;
  /** New or changed since the last scan (its header was read again). */
  changed: boolean;
  /** The kind its folder holds: a file's own header wins when it tells. */
  kindHint: ModelKind;
  sizeBytes: number | null;
  mtimeMs: number | null;
  facts: ModelFacts | null;
  problem: string | null;
}

interface ModelScanRow {
  id: string;
  kind: ModelKind;
  family: string | null;
  description: string | null;
}

/** The name a model goes by: the file's name without its folder and weights extension. */
export function modelNameOf(file: string): string {
  const base = path.posix.basename(file.replace(/\\/g, '/'));
  return base.replace(/\.(safetensors|sft|ckpt|pth|pt|bin|gguf)$/i, '');
}

/**
 * Records one file: its model_files row, and (unless it is not a model) the models row it is,
 * matched by name the way generation metadata names models — so the license the creator set on
 * a name the Library already knew now also covers the file. What the creator edited (trigger
 * token, description, license) is never overwritten by a scan.
 */
export function recordModelFile(
  core: Atelier,
  f: FoundFile,
): { modelId: string | null; added: boolean } {
  const q = statements(core.sqlite);
  const at = nowIso();
  if (!f.changed) {
    q.get(`UPDATE model_files SET scanned_at = ? WHERE location = ? AND path = ?`).run(
      at,
      f.location,
      f.path,
    );
    const row = q
      .get(`SELECT model_id FROM model_files WHERE location = ? AND path = ?`)
      .get(f.location, f.path) as { model_id: string | null } | undefined;
    return { modelId: row?.model_id ?? null, added: false };
  }
  let modelId: string | null = null;
  let added = false;
  const kind: ModelKind = f.facts?.kind ?? f.kindHint;
  if (!f.problem) {
    const name = modelNameOf(f.path);
    const key = matchKey(name);
    const existing = q
      .get(`SELECT id, kind, family, description FROM models WHERE match_key = ?`)
      .get(key) as ModelScanRow | undefined;
    const facts = f.facts;
    const family: ModelFamily | null = facts && facts.family !== 'unknown' ? facts.family : null;
    const scanned = {
      format: facts?.format ?? (path.extname(f.path).slice(1).toLowerCase() || null),
      base_model: facts?.baseModel ?? null,
      resolution: facts?.resolution ?? null,
      trigger_words: facts?.triggerWords.length ? JSON.stringify(facts.triggerWords) : null,
      metadata: facts && Object.keys(facts.metadata).length ? JSON.stringify(facts.metadata) : null,
      size_bytes: f.sizeBytes,
    };
    if (existing) {
      modelId = existing.id;
      q.get(
        // A server's listing says less than a header: what it does not say is kept.
        `UPDATE models SET kind = ?, family = coalesce(?, family), path = coalesce(path, ?), format = coalesce(?, format),
           base_model = coalesce(?, base_model), resolution = coalesce(?, resolution),
           trigger_words = coalesce(?, trigger_words), metadata = coalesce(?, metadata), size_bytes = coalesce(?, size_bytes),
           description = coalesce(description, ?), updated_at = ? WHERE id = ?`,
      ).run(
        kind,
        family,
        f.location === 'local' ? f.path : null,
        scanned.format,
        scanned.base_model,
        scanned.resolution,
        scanned.trigger_words,
        scanned.metadata,
        scanned.size_bytes,
        facts?.description ?? null,
        at,
        existing.id,
      );
    } else {
      modelId = uuidv7();
      added = true;
      q.get(
        `INSERT INTO models (id, match_key, name, kind, family, path, format, base_model, resolution, trigger_words,
           metadata, size_bytes, description, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        modelId,
        key,
        name,
        kind,
        family,
        f.location === 'local' ? f.path : null,
        scanned.format,
        scanned.base_model,
        scanned.resolution,
        scanned.trigger_words,
        scanned.metadata,
        scanned.size_bytes,
        facts?.description ?? null,
        at,
        at,
      );
    }
  }
  // A changed file's old hash is void; the hashing job fills it in again.
  q.get(
    `INSERT INTO model_files (location, path, model_id, kind, size_bytes, mtime_ms, sha256, problem, scanned_at)
     VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)
     ON CONFLICT (location, path) DO UPDATE SET model_id = excluded.model_id, kind = excluded.kind,
       size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms, sha256 = NULL, problem = excluded.problem,
       scanned_at = excluded.scanned_at`,
  ).run(
    f.location,
    f.path,
    modelId,
    f.problem ? null : kind,
    f.sizeBytes,
    f.mtimeMs,
    f.problem,
    at,
  );
  return { modelId, added };
}

/** Stores a file's SHA-256 and gives its model the hash (and A1111's short AutoV2 form). */
export function recordModelHash(
  core: Atelier,
  location: string,
  file: string,
  sha256: string,
): void {
  const q = statements(core.sqlite);
  core.sqlite.transaction(() => {
    q.get(`UPDATE model_files SET sha256 = ? WHERE location = ? AND path = ?`).run(
      sha256,
      location,
      file,
    );
    q.get(
      `UPDATE models SET sha256 = ?, autov2 = ?, updated_at = ?
       WHERE id = (SELECT model_id FROM model_files WHERE location = ? AND path = ?)`,
    ).run(sha256, sha256.slice(0, 10), nowIso(), location, file);
  })();
}

/** Local model files whose hash is not known yet. */
export function unhashedLocalFiles(core: Atelier): { path: string; size_bytes: number | null }[] {
  return statements(core.sqlite).all(
    `SELECT path, size_bytes FROM model_files WHERE location = 'local' AND sha256 IS NULL AND problem IS NULL ORDER BY size_bytes`,
    [],
  ) as { path: string; size_bytes: number | null }[];
}
