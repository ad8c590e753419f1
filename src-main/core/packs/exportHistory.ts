import type {
  ExportOptions,
  PackExportFile,
  PackExportRecord,
  PresetId,
} from '../../contract/packs';
import type { Atelier } from '../app/atelier';
import { nowIso } from '../util/ids';
import { stmt } from './packStore';

export interface SkippedAsset {
  assetId: string;
  filename: string;
  reason: string;
}

interface ExportRow {
  id: string;
  pack_id: string;
  job_id: string | null;
  version: string;
  preset: string;
  status: PackExportRecord['status'];
  out_dir: string;
  files: string;
  sha256: string | null;
  total_bytes: number;
  asset_count: number;
  skipped: string;
  error: string | null;
  verify_ms: number | null;
  started_at: string;
  finished_at: string | null;
  options: string;
}

function parse<T>(s: string, fallback: T): T {
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
}

function toRecord(r: ExportRow): PackExportRecord {
  return {
    id: r.id,
    packId: r.pack_id,
    jobId: r.job_id,
    version: r.version,
    preset: r.preset as PresetId,
    status: r.status,
    outDir: r.out_dir,
    files: parse<PackExportFile[]>(r.files, []),
    sha256: r.sha256,
    totalBytes: r.total_bytes,
    assetCount: r.asset_count,
    skipped: parse<SkippedAsset[]>(r.skipped, []),
    error: r.error,
    verifyMs: r.verify_ms,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    // Exports from before 0015 recorded no choice (they shipped prompts and metadata).
    ...(() => {
      const o = parse<Partial<ExportOptions>>(r.options, {});
      return {
        includedPrompts: typeof o.includePrompts === 'boolean' ? o.includePrompts : null,
        strippedMetadata: typeof o.stripMetadata === 'boolean' ? o.stripMetadata : null,
      };
    })(),
  };
}

export function insertExportRecord(
  core: Atelier,
  r: {
    id: string;
    packId: string;
    jobId: string | null;
    version: string;
    preset: string;
    options: ExportOptions;
    outDir: string;
    startedAt: string;
  },
): void {
  stmt(
    core.sqlite,
    `INSERT INTO pack_exports (id, pack_id, job_id, version, preset, status, options, out_dir, started_at)
     VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
  ).run(
    r.id,
    r.packId,
    r.jobId,
    r.version,
    r.preset,
    JSON.stringify(r.options),
    r.outDir,
    r.startedAt,
  );
}

export function finishExportRecord(
  core: Atelier,
  id: string,
  r: {
    status: 'completed' | 'failed' | 'cancelled';
    files: PackExportFile[];
    sha256: string | null;
    totalBytes: number;
    assetCount: number;
    skipped: SkippedAsset[];
    error: string | null;
    verifyMs: number | null;
  },
): PackExportRecord {
  stmt(
    core.sqlite,
    `UPDATE pack_exports SET status = ?, files = ?, sha256 = ?, total_bytes = ?, asset_count = ?, skipped = ?, error = ?,
       verify_ms = ?, finished_at = ? WHERE id = ?`,
  ).run(
    r.status,
    JSON.stringify(r.files),
    r.sha256,
    r.totalBytes,
    r.assetCount,
    JSON.stringify(r.skipped),
    r.error,
    r.verifyMs,
    nowIso(),
    id,
  );
  return getExport(core, id)!;
}

export function getExport(core: Atelier, id: string): PackExportRecord | null {
  const row = stmt(core.sqlite, 'SELECT * FROM pack_exports WHERE id = ?').get(id) as
    | ExportRow
    | undefined;
  return row ? toRecord(row) : null;
}

export function listExports(core: Atelier, packId: string, limit: number): PackExportRecord[] {
  const rows = stmt(
    core.sqlite,
    'SELECT * FROM pack_exports WHERE pack_id = ? ORDER BY started_at DESC, id DESC LIMIT ?',
  ).all(packId, limit) as ExportRow[];
  return rows.map(toRecord);
}

/**
 * An export row still "running" that no live export owns was cut short (the app was killed):
 * say so instead of showing it running forever. Its temp file is removed by the next export.
 */
export function markInterrupted(core: Atelier, isLive: (id: string) => boolean): number {
  const rows = stmt(core.sqlite, "SELECT id FROM pack_exports WHERE status = 'running'").all() as {
    id: string;
  }[];
  let n = 0;
  for (const r of rows) {
    if (isLive(r.id)) continue;
    stmt(
      core.sqlite,
      "UPDATE pack_exports SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status = 'running'",
    ).run(
      'Interrupted: Atelier stopped during the export. Nothing was left under the final name; export again.',
      nowIso(),
      r.id,
    );
    n++;
  }
  return n;
}
