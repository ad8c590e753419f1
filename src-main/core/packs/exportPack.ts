import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import {
  exportOptionsSchema,
  type ExportOptionsInput,
  type PackChangelogEntry,
  type PackExportFile,
  type PackExportRecord,
} from '../../contract/packs';
import type { Atelier } from '../app/atelier';
import { readEngineSettings } from '../engines/engineSettings';
import { resolveFfTool } from '../engines/ffmpeg';
import { uuidv7 } from '../util/ids';
import { appVersion } from '../util/version';
import type { SinkFactory } from '../zip/zipWriter';
import { checkPack } from './checks';
import {
  finishExportRecord,
  insertExportRecord,
  listExports,
  markInterrupted,
  type SkippedAsset,
} from './exportHistory';
import { writeExportInOwnProcess } from './exportProcess';
import { licenseHeading, renderLicense } from './licenses';
import {
  effectiveNames,
  packMembers,
  parseChangelog,
  parseIds,
  requirePack,
  stmt,
  type PackDbRow,
} from './packStore';
import { getPreset } from './presets';
import { previewDir, removeStalePreviewDirs } from './previews';
import { renameExclusive, reserveExportRoot } from './exportNames';
import { exportStamp } from './slug';
import { PARTIAL_SUFFIX, writeExport, type ExportMember, type ExportWork } from './writeExport';

export { PARTIAL_SUFFIX } from './writeExport';

export interface ExportRunOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  /** Chosen by the caller so it can answer with the id before the work starts. */
  exportId?: string;
  jobId?: string | null;
  /** Tests swap the output for one that fails like a full disk (the writing then stays in this process). */
  sink?: SinkFactory;
}

const running = new Set<string>();

export function isExportRunning(id: string): boolean {
  return running.has(id);
}

/**
 * Removes the temp files in `dir` whose export `remove` names: one export's after it failed or
 * was cancelled, or those of exports that died (crash, kill -9), removed by the next export to
 * the same folder.
 */
function removePartials(dir: string, remove: (owner: string | null) => boolean): void {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.endsWith(PARTIAL_SUFFIX)) continue;
    const owner = /\.([0-9a-f-]{36})\.atelier-partial$/.exec(n)?.[1] ?? null;
    if (remove(owner)) rmSync(path.join(dir, n), { force: true });
  }
}

function describeFailure(
  err: unknown,
  signal?: AbortSignal,
): { status: 'failed' | 'cancelled'; message: string } {
  if (signal?.aborted)
    return { status: 'cancelled', message: 'Cancelled; no file was left under the final name.' };
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC')
    return {
      status: 'failed',
      message:
        'The disk is full: the export needs more free space. Nothing was left under the final name.',
    };
  if (e?.code === 'EDQUOT')
    return {
      status: 'failed',
      message: 'The disk quota is exceeded: nothing was left under the final name.',
    };
  if (e?.code === 'EACCES' || e?.code === 'EPERM')
    return {
      status: 'failed',
      message: `No permission to write to ${e.path ?? 'the export folder'}.`,
    };
  return { status: 'failed', message: (err as Error)?.message ?? String(err) };
}

async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Directories cannot be opened for sync on Windows; the rename is still atomic there.
  }
}

/**
 * Exports a pack as marketplace-ready ZIP(s): checks, then the writing (writeExport.ts: previews,
 * assets, README/LICENSE/manifest/checksums, each ZIP fsynced and verified by re-reading it) in a
 * process of its own (exportProcess.ts), and only then the renames to the final names and the
 * export's record. The job kind `packs.export` wraps this; the CLI calls it directly.
 */
export async function exportPack(
  core: Atelier,
  packId: string,
  optionsInput: ExportOptionsInput,
  run: ExportRunOptions = {},
): Promise<PackExportRecord> {
  const parsed = exportOptionsSchema.parse(optionsInput ?? {});
  const signal = run.signal;
  const progress = run.onProgress ?? (() => undefined);
  const stored = requirePack(core, packId);
  // The pack's own choices unless this export overrides them; recorded with the export.
  const options = {
    ...parsed,
    includePrompts: parsed.includePrompts ?? stored.include_prompts === 1,
    stripMetadata: parsed.stripMetadata ?? stored.strip_metadata === 1,
  };
  const at = new Date().toISOString();
  const bumped = parsed.bump !== 'none' ? bumpVersion(stored.version, parsed.bump) : null;
  const changelog: PackChangelogEntry[] = [
    ...parseChangelog(stored.changelog),
    ...(bumped ? [{ version: bumped, at, note: parsed.changelog?.trim() || '' }] : []),
  ];
  // The bumped version is written into README, LICENSE and manifest, and kept only if the export completes.
  const pack: PackDbRow = bumped
    ? { ...stored, version: bumped, changelog: JSON.stringify(changelog) }
    : stored;
  const preset = getPreset(options.preset);
  const outDir = path.resolve(options.outDir ?? core.layout.exports);
  mkdirSync(outDir, { recursive: true });
  const exportId = run.exportId ?? uuidv7();
  const startedAt = new Date();
  markInterrupted(core, isExportRunning);
  running.add(exportId);
  let release = () => {};
  insertExportRecord(core, {
    id: exportId,
    packId,
    jobId: run.jobId ?? null,
    version: pack.version,
    preset: preset.id,
    options,
    outDir,
    startedAt: startedAt.toISOString(),
  });
  const skipped: SkippedAsset[] = [];
  const previewsDir = previewDir(core.layout.tmp, exportId);
  try {
    removePartials(outDir, (owner) => !owner || !running.has(owner));
    removeStalePreviewDirs(core.layout.tmp, isExportRunning);
    progress(0, 'Checking the pack');
    const report = await checkPack(core, packId, { preset: preset.id });
    const skipCodes = new Set(['missing_file', 'corrupt_media']);
    const blocking = report.issues.filter(
      (i) => i.severity === 'error' && !i.accepted && !skipCodes.has(i.code),
    );
    if (blocking.length)
      throw new AppError(
        'conflict',
        `The export is blocked: ${blocking.map((b) => b.message).join(' · ')}`,
        { issues: blocking },
      );
    const missing = report.issues.find((i) => i.code === 'missing_file');
    if (missing && options.onMissing === 'block') throw new AppError('conflict', missing.message);
    const skipReason = new Map<string, string>();
    for (const i of report.issues) {
      if (i.code === 'missing_file')
        for (const id of i.assetIds) skipReason.set(id, 'file missing from disk');
      if (i.code === 'corrupt_media') for (const id of i.assetIds) skipReason.set(id, i.message);
    }

    const all = packMembers(core, packId);
    const names = effectiveNames(all);
    const members: ExportMember[] = [];
    all.forEach((m, i) => {
      const reason = skipReason.get(m.asset_id);
      if (reason) skipped.push({ assetId: m.asset_id, filename: m.filename, reason });
      else members.push({ ...m, exportName: names[i]! });
    });
    if (members.length === 0)
      throw new AppError(
        'conflict',
        'Nothing to export: every asset in the pack is missing or unreadable.',
      );

    const settings = await core.settings.getAll();
    const license = renderLicense(
      pack.license_type,
      {
        holder: settings.ownerName,
        support: settings.supportContact,
        packName: pack.name,
        packVersion: pack.version,
        year: startedAt.getFullYear(),
      },
      pack.license_text,
    );
    if (license.placeholders.length)
      throw new AppError(
        'conflict',
        `LICENSE.txt would hold placeholders: ${license.placeholders.join(', ')}`,
      );
    // The creator's own text is theirs; a template must be the variant the pack names.
    if (!pack.license_text && !license.text.startsWith(licenseHeading(pack.license_type)))
      throw new AppError('internal', 'The license text does not match the pack’s license type');

    const reservation = reserveExportRoot(outDir, `${pack.slug}_${exportStamp(startedAt)}`);
    release = reservation.release;
    const root = reservation.root;
    const work: ExportWork = {
      exportId,
      root,
      outDir,
      startedAt: startedAt.toISOString(),
      appVersion: appVersion(),
      pack,
      members,
      options,
      preset,
      holder: settings.ownerName,
      support: settings.supportContact,
      license: license.text,
      tags: tagsOf(
        core,
        members.map((m) => m.asset_id),
      ),
      history: listExports(core, packId, 20)
        .filter((e) => e.status === 'completed' && e.finishedAt)
        .map((e) => ({ version: e.version, finishedAt: e.finishedAt!, preset: e.preset })),
      previews: {
        dir: previewsDir,
        layout: core.layout,
        coverId: pack.cover_asset_id,
        heroId: pack.hero_asset_id,
        collageIds: parseIds(pack.collage_asset_ids),
        listing: preset.listing,
        watermark: options.watermarkPreviews
          ? `${settings.ownerName || pack.name} · preview`
          : null,
        ffmpeg: resolveFfTool('ffmpeg', (await readEngineSettings(core.db)).ffmpegPath).path,
      },
    };
    progress(0.02, 'Writing');
    const written = run.sink
      ? await writeExport(work, { signal, onProgress: progress, sink: run.sink })
      : await writeExportInOwnProcess(work, { signal, onProgress: progress });
    if (signal?.aborted) throw signal.reason;

    // Every file is complete and verified under its temp name: only now do final names appear.
    for (const f of written.files) await renameExclusive(f.temp, f.path);
    await fsyncDir(outDir);
    const files: PackExportFile[] = written.files.map(({ temp: _temp, ...f }) => f);
    const zips = files.filter((f) => f.kind === 'zip');
    const record = finishExportRecord(core, exportId, {
      status: 'completed',
      files,
      sha256: zips.length === 1 ? zips[0]!.sha256 : null,
      totalBytes: zips.reduce((s, f) => s + f.bytes, 0),
      assetCount: written.assetCount,
      skipped,
      error: null,
      verifyMs: written.verifyMs,
    });
    stmt(
      core.sqlite,
      'UPDATE packs SET export_path = ?, exported_at = ?, export_sha256 = ?, default_preset = ?, updated_at = ?, version = ?, changelog = ? WHERE id = ?',
    ).run(
      zips.length === 1 ? zips[0]!.path : outDir,
      record.finishedAt,
      zips.length === 1 ? zips[0]!.sha256 : null,
      preset.id,
      record.finishedAt,
      pack.version,
      pack.changelog,
      packId,
    );
    progress(1, skipped.length ? `Exported; ${skipped.length} asset(s) left out` : 'Exported');
    core.events.emit('packs.exportFinished', { exportId, packId, record });
    core.events.emit('packs.changed', { packId });
    return record;
  } catch (err) {
    removePartials(outDir, (owner) => owner === exportId);
    const { status, message } =
      err instanceof AppError
        ? { status: 'failed' as const, message: err.message }
        : describeFailure(err, signal);
    const record = finishExportRecord(core, exportId, {
      status,
      files: [],
      sha256: null,
      totalBytes: 0,
      assetCount: 0,
      skipped,
      error: message,
      verifyMs: null,
    });
    core.events.emit('packs.exportFinished', { exportId, packId, record });
    core.events.emit('packs.changed', { packId });
    if (err instanceof AppError) throw err;
    if (status === 'cancelled') throw new AppError('cancelled', message);
    throw new AppError('io_error', message, { cause: (err as Error)?.message });
  } finally {
    release();
    await rm(previewsDir, { recursive: true, force: true }).catch(() => undefined);
    running.delete(exportId);
  }
}

function tagsOf(core: Atelier, ids: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const q = stmt(
    core.sqlite,
    'SELECT t.name FROM asset_tags at JOIN tags t ON t.id = at.tag_id WHERE at.asset_id = ? ORDER BY t.name',
  );
  for (const id of ids) out[id] = (q.all(id) as { name: string }[]).map((r) => r.name);
  return out;
}

/** 1.0.0 → 1.1.0 (minor), 1.0.1 (patch), 2.0.0 (major); "1.2" stays two parts; a suffix is dropped. */
export function bumpVersion(version: string, kind: 'patch' | 'minor' | 'major'): string {
  const nums = (/^v?(\d+(?:\.\d+)*)/.exec(version.trim())?.[1] ?? '1.0.0').split('.').map(Number);
  while (nums.length < 2) nums.push(0);
  if (kind === 'patch' && nums.length < 3) nums.push(0);
  const i = kind === 'major' ? 0 : kind === 'minor' ? 1 : 2;
  nums[i] = (nums[i] ?? 0) + 1;
  for (let j = i + 1; j < nums.length; j++) nums[j] = 0;
  return nums.join('.');
}
