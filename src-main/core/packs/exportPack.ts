import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../contract/errors';
import { exportOptionsSchema, type ExportOptionsInput, type PackExportFile, type PackExportRecord, type PresetId } from '../../contract/packs';
import type { Atelier } from '../app/atelier';
import { appVersion } from '../util/version';
import { resolveFfTool } from '../engines/ffmpeg';
import { readEngineSettings } from '../engines/engineSettings';
import { uuidv7 } from '../util/ids';
import { readCentralDirectory, type ZipEntryInfo } from '../zip/zipVerify';
import { TrailVerifier, type TrailEntry } from '../zip/trailVerifier';
import { ZipWriter, type SinkFactory, type WrittenEntry } from '../zip/zipWriter';
import { checkPack } from './checks';
import { buildManifest, renderChecksums, renderPrompt, renderReadme, renderStoreCopy, suggestedTags, type ExportedAsset } from './docs';
import { effectiveNames, packMembers, requirePack, stmt, type PackMemberRow } from './packStore';
import { licenseHeading, renderLicense } from './licenses';
import { previewDir, sheetName, TILES_PER_SHEET, type PreviewOnDisk, type PreviewSet } from './previews';
import { makePreviews, removeStalePreviewDirs } from './previewProcess';
import { planParts, type PartPlan } from './parts';
import { getPreset } from './presets';
import { exportStamp } from './slug';
import { splitExt } from './fileNames';
import { finishExportRecord, insertExportRecord, listExports, markInterrupted, type SkippedAsset } from './exportHistory';

export interface ExportRunOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  /** Chosen by the caller so it can answer with the id before the work starts. */
  exportId?: string;
  jobId?: string | null;
  /** Tests swap the output for one that fails like a full disk. */
  sink?: SinkFactory;
}

export const PARTIAL_SUFFIX = '.atelier-partial';

/** Deflate only what shrinks: text, and uncompressed audio and images; media formats are stored. */
const DEFLATE_EXTS = new Set(['txt', 'md', 'json', 'csv', 'svg', 'wav', 'aif', 'aiff', 'bmp', 'tif', 'tiff', 'psd']);
const methodFor = (name: string) => (DEFLATE_EXTS.has(splitExt(name).ext.slice(1).toLowerCase()) ? 'deflate' : 'store');

const running = new Set<string>();

export function isExportRunning(id: string): boolean {
  return running.has(id);
}

/** Temp files from exports that died (crash, kill -9) are removed by the next export to the same folder. */
function removeStalePartials(dir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.endsWith(PARTIAL_SUFFIX)) continue;
    const owner = /\.([0-9a-f-]{36})\.atelier-partial$/.exec(n)?.[1];
    if (owner && running.has(owner)) continue;
    rmSync(path.join(dir, n), { force: true });
  }
}

function describeFailure(err: unknown, signal?: AbortSignal): { status: 'failed' | 'cancelled'; message: string } {
  if (signal?.aborted) return { status: 'cancelled', message: 'Cancelled; no file was left under the final name.' };
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') return { status: 'failed', message: 'The disk is full: the export needs more free space. Nothing was left under the final name.' };
  if (e?.code === 'EDQUOT') return { status: 'failed', message: 'The disk quota is exceeded: nothing was left under the final name.' };
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return { status: 'failed', message: `No permission to write to ${e.path ?? 'the export folder'}.` };
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

interface Member extends PackMemberRow {
  exportName: string;
}

/**
 * Exports a pack as marketplace-ready ZIP(s): checks, previews, the files streamed with their
 * SHA-256 computed on the way, README/LICENSE/manifest/checksums, each ZIP written to a temp
 * file, fsynced, verified by re-reading it, and only then renamed to its final name. The job
 * kind `packs.export` wraps this; the CLI calls it directly.
 */
export async function exportPack(core: Atelier, packId: string, optionsInput: ExportOptionsInput, run: ExportRunOptions = {}): Promise<PackExportRecord> {
  const options = exportOptionsSchema.parse(optionsInput ?? {});
  const signal = run.signal;
  const progress = run.onProgress ?? (() => undefined);
  const pack = requirePack(core, packId);
  const preset = getPreset(options.preset as PresetId);
  const outDir = path.resolve(options.outDir ?? core.layout.exports);
  mkdirSync(outDir, { recursive: true });
  const exportId = run.exportId ?? uuidv7();
  const startedAt = new Date();
  markInterrupted(core, isExportRunning);
  running.add(exportId);
  insertExportRecord(core, { id: exportId, packId, jobId: run.jobId ?? null, version: pack.version, preset: preset.id, options, outDir, startedAt: startedAt.toISOString() });
  const temps: string[] = [];
  const skipped: SkippedAsset[] = [];
  const verifiersOf: TrailVerifier[] = [];
  const previewsDir = previewDir(core.layout.tmp, exportId);
  // Stops the preview process when the export fails for any reason, not only a cancel.
  const previewsStop = new AbortController();
  let previewsPromise: Promise<PreviewSet> | null = null;
  try {
    removeStalePartials(outDir);
    removeStalePreviewDirs(core.layout.tmp, isExportRunning);
    progress(0, 'Checking the pack');
    const report = await checkPack(core, packId, { preset: preset.id });
    const skipCodes = new Set(['missing_file', 'corrupt_media']);
    const blocking = report.issues.filter((i) => i.severity === 'error' && !i.accepted && !skipCodes.has(i.code));
    if (blocking.length) throw new AppError('conflict', `The export is blocked: ${blocking.map((b) => b.message).join(' · ')}`, { issues: blocking });
    const missing = report.issues.find((i) => i.code === 'missing_file');
    if (missing && options.onMissing === 'block') throw new AppError('conflict', missing.message);
    const skipReason = new Map<string, string>();
    for (const i of report.issues) {
      if (i.code === 'missing_file') for (const id of i.assetIds) skipReason.set(id, 'file missing from disk');
      if (i.code === 'corrupt_media') for (const id of i.assetIds) skipReason.set(id, i.message);
    }

    const all = packMembers(core, packId);
    const names = effectiveNames(all);
    const members: Member[] = [];
    all.forEach((m, i) => {
      const reason = skipReason.get(m.asset_id);
      if (reason) skipped.push({ assetId: m.asset_id, filename: m.filename, reason });
      else members.push({ ...m, exportName: names[i]! });
    });
    if (members.length === 0) throw new AppError('conflict', 'Nothing to export: every asset in the pack is missing or unreadable.');

    const stamp = exportStamp(startedAt);
    const root = `${pack.slug}_${stamp}`;
    const settings = await core.settings.getAll();
    // Previews are image work in libvips threads, done in a process of their own (see
    // previewProcess.ts) while the assets stream, unless a size cap needs their size to plan the
    // parts first.
    previewsPromise = makePreviews(
      {
        members,
        coverId: pack.cover_asset_id,
        layout: core.layout,
        watermark: options.watermarkPreviews ? `${settings.ownerName || pack.name} · preview` : null,
        collage: preset.collage,
        dir: previewsDir,
        ffmpeg: resolveFfTool('ffmpeg', (await readEngineSettings(core.db)).ffmpegPath).path,
      },
      signal ? AbortSignal.any([signal, previewsStop.signal]) : previewsStop.signal,
    );
    previewsPromise.catch(() => undefined);
    const inZip = (set: PreviewSet): PreviewOnDisk[] => [...set.sheets, ...set.heroes];
    const capped = !!(options.maxPartBytes ?? preset.maxPartBytes);
    if (capped) progress(0.01, 'Making previews');
    const previewBytes = capped ? inZip(await previewsPromise).reduce((s, p) => s + p.bytes, 0) : 0;

    const byId = new Map(members.map((m) => [m.asset_id, m]));
    const plan = planParts(
      members.map((m) => ({ id: m.asset_id, bytes: m.size_bytes, type: m.type })),
      preset,
      options.maxPartBytes ?? null,
      previewBytes + members.length * 2048,
    );
    const zipName = (p: PartPlan) => `${root}${p.suffix ? `_${p.suffix}` : ''}.zip`;
    const partNames = plan.map(zipName);
    const tags = tagsOf(core, members.map((m) => m.asset_id));
    const license = renderLicense(pack.license_type, { holder: settings.ownerName, support: settings.supportContact, packName: pack.name, packVersion: pack.version, year: startedAt.getFullYear() });
    if (license.placeholders.length) throw new AppError('conflict', `LICENSE.txt would hold placeholders: ${license.placeholders.join(', ')}`);
    if (!license.text.startsWith(licenseHeading(pack.license_type))) throw new AppError('internal', 'The license text does not match the pack’s license type');
    const licenseBuf = Buffer.from(license.text.replace(/\n/g, '\r\n'), 'utf8');

    const totalBytes = members.reduce((s, m) => s + m.size_bytes, 0);
    // Progress follows the bytes written; verification runs alongside and leaves only a short tail.
    let doneBytes = 0;
    let lastEmit = 0;
    const report01 = (phase: string) => {
      const now = Date.now();
      if (now - lastEmit < 200) return;
      lastEmit = now;
      progress(Math.min(0.99, 0.05 + (doneBytes / Math.max(1, totalBytes * 1.05)) * 0.94), phase);
    };

    const exported: ExportedAsset[] = [];
    const shaPending: Promise<void>[] = [];
    const files: PackExportFile[] = [];
    let verifyMs = 0;
    const writtenParts: { plan: PartPlan; temp: string; final: string; entries: number }[] = [];
    // The docs part is written last: its manifest and checksums need every asset's hash.
    const order = [...plan.filter((p) => !p.docs), ...plan.filter((p) => p.docs)];
    // Names are fixed by count (the sheets and heroes to come), so a README can be written before they exist.
    const sheetCount = Math.ceil(members.length / TILES_PER_SHEET);
    const previewNames = Array.from({ length: sheetCount }, (_, i) => `previews/${sheetName(i)}`);
    const readmeFor = (assets: ExportedAsset[]) =>
      Buffer.from(
        renderReadme({
          pack,
          assets,
          holder: settings.ownerName,
          support: settings.supportContact,
          previews: previewNames,
          history: listExports(core, packId, 20)
            .filter((e) => e.status === 'completed' && e.finishedAt)
            .map((e) => ({ version: e.version, finishedAt: e.finishedAt!, preset: e.preset })),
          exportedAt: startedAt.toISOString(),
          parts: partNames,
        }),
        'utf8',
      );
    const prelimAssets: ExportedAsset[] = members.map((m) => ({
      member: m,
      filename: m.exportName,
      relPath: `assets/${m.exportName}`,
      sizeBytes: m.size_bytes,
      sha256: m.sha256,
      reencodedTo: null,
      tags: tags.get(m.asset_id) ?? [],
      promptRelPath: null,
    }));

    for (const part of order) {
      const final = path.join(outDir, zipName(part));
      const temp = `${final}.${exportId}${PARTIAL_SUFFIX}`;
      temps.push(temp);
      const verifier = new TrailVerifier(temp);
      verifiersOf.push(verifier);
      const needHash = new Set<string>();
      const zw = await ZipWriter.create(temp, {
        signal,
        sink: run.sink,
        onBytes: (n) => {
          doneBytes += n;
          report01(`Writing ${zipName(part)}`);
        },
        onFinal: (entries, durable) => verifier.advance(entries.map((e) => toTrail(e, needHash)), durable),
      });
      try {
        await zw.addDirectory(`${root}/`);
        await zw.addDirectory(`${root}/assets/`);
        const inPart: ExportedAsset[] = [];
        for (const id of part.assetIds) {
          const m = byId.get(id)!;
          const ea = await addAsset(zw, root, m, options, needHash, signal);
          // The hash comes from the verifier's re-read of the ZIP: checksums.txt then vouches for
          // the bytes the buyer gets, and the writer's core never spends time on SHA-256.
          if (!ea.sha256) {
            const p = verifier.shaOf(`${root}/${ea.relPath}`).then((h) => void (ea.sha256 = h));
            p.catch(() => undefined); // awaited before the manifest; a failure surfaces there or in finish()
            shaPending.push(p);
          }
          ea.tags = tags.get(id) ?? [];
          if (m.provenance === 'ai_generated' || m.prompt) {
            const promptName = `${splitExt(m.exportName).stem}.txt`;
            ea.promptRelPath = `prompts/${promptName}`;
          }
          inPart.push(ea);
          exported.push(ea);
        }
        const withPrompts = inPart.filter((a) => a.promptRelPath);
        if (withPrompts.length) {
          await zw.addDirectory(`${root}/prompts/`);
          for (const a of withPrompts) await zw.addBuffer(`${root}/${a.promptRelPath}`, Buffer.from(renderPrompt(a), 'utf8'), { method: 'deflate' });
        }
        const docsEntries: { relPath: string; sha256: string; sizeBytes: number }[] = [];
        const addDoc = async (rel: string, data: Buffer) => {
          await zw.addBuffer(`${root}/${rel}`, data, { method: methodFor(rel) });
          docsEntries.push({ relPath: rel, sha256: createHash('sha256').update(data).digest('hex'), sizeBytes: data.length });
        };
        let previews: PreviewOnDisk[] = [];
        if (part.docs) {
          progress(Math.min(0.99, 0.05 + (doneBytes / Math.max(1, totalBytes * 1.05)) * 0.94), 'Finishing previews and checksums');
          previews = inZip(await previewsPromise);
          previewNames.splice(0, previewNames.length, ...previews.map((p) => `previews/${p.name}`));
          await Promise.all(shaPending);
        }
        await addDoc('README.md', readmeFor(part.docs ? exported : prelimAssets));
        await addDoc('LICENSE.txt', licenseBuf);
        if (part.docs) {
          await zw.addDirectory(`${root}/previews/`);
          for (const p of previews) await addDoc(`previews/${p.name}`, await readFile(p.file));
          for (const a of exported.filter((x) => x.promptRelPath)) {
            const data = Buffer.from(renderPrompt(a), 'utf8');
            if (!inPart.includes(a)) {
              // Prompts of assets in other parts travel with the docs too, so prompts/ is complete here.
              if (!withPrompts.length && !docsEntries.some((d) => d.relPath.startsWith('prompts/'))) await zw.addDirectory(`${root}/prompts/`);
              await addDoc(a.promptRelPath!, data);
            } else {
              docsEntries.push({ relPath: a.promptRelPath!, sha256: createHash('sha256').update(data).digest('hex'), sizeBytes: data.length });
            }
          }
          const storeCopy = options.storeCopy ?? preset.storeCopy;
          if (storeCopy) await addDoc('store_copy.txt', Buffer.from(renderStoreCopy(pack, exported, suggestedTags(pack, exported)), 'utf8'));
          if (preset.descriptionFile) await addDoc('DESCRIPTION.txt', Buffer.from(`${pack.name}\n\n${pack.description.trim() || renderStoreCopy(pack, exported, suggestedTags(pack, exported))}\n`, 'utf8'));
          const manifest = buildManifest({ pack, assets: exported, exportedAt: startedAt.toISOString(), appVersion: appVersion(), previews: previewNames, docs: docsEntries, parts: partNames });
          const manifestBuf = Buffer.from(JSON.stringify(manifest, null, 2), 'utf8');
          await addDoc('manifest.json', manifestBuf);
          const sums = [...exported.map((a) => ({ relPath: a.relPath, sha256: a.sha256 })), ...docsEntries.map((d) => ({ relPath: d.relPath, sha256: d.sha256 }))];
          await zw.addBuffer(`${root}/checksums.txt`, Buffer.from(renderChecksums(sums), 'utf8'), { method: 'deflate' });
        }
        const { entries, bytes } = await zw.finish();
        // What is left to verify after the fsync: the tail the worker had not reached, and the
        // central directory read back from disk and compared with what was written.
        const verifyStart = Date.now();
        report01(`Verifying ${zipName(part)}`);
        const trail = await verifier.finish(bytes);
        const cd = await readCentralDirectory(temp);
        checkCentralDirectory(zipName(part), cd.entries, entries, bytes, trail.bytes);
        const expected = new Map(exported.map((a) => [`${root}/${a.relPath}`, a.sizeBytes]));
        for (const e of cd.entries) {
          const size = expected.get(e.name);
          if (size !== undefined && size !== e.size) throw new Error(`${e.name}: ${e.size} bytes in the ZIP, ${size} in the manifest`);
        }
        verifyMs += Date.now() - verifyStart;
        files.push({ path: final, bytes, sha256: trail.sha256, entries: entries.length, kind: 'zip' });
        writtenParts.push({ plan: part, temp, final, entries: entries.length });
      } catch (err) {
        await zw.abort();
        throw err;
      }
    }

    if (signal?.aborted) throw signal.reason;
    files.sort((a, b) => a.path.localeCompare(b.path));

    let collage: PackExportFile | null = null;
    const collageFile = (await previewsPromise).collage;
    if (collageFile) {
      const data = await readFile(collageFile.file);
      const final = path.join(outDir, `${root}_listing.jpg`);
      const temp = `${final}.${exportId}${PARTIAL_SUFFIX}`;
      temps.push(temp);
      await writeFile(temp, data, { flag: 'wx' });
      collage = { path: final, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex'), entries: 0, kind: 'collage' };
    }
    for (const w of writtenParts) await rename(w.temp, w.final);
    if (collage) await rename(`${collage.path}.${exportId}${PARTIAL_SUFFIX}`, collage.path);
    temps.length = 0;
    await fsyncDir(outDir);
    if (collage) files.push(collage);

    const zips = files.filter((f) => f.kind === 'zip');
    const record = finishExportRecord(core, exportId, {
      status: 'completed',
      files,
      sha256: zips.length === 1 ? zips[0]!.sha256 : null,
      totalBytes: zips.reduce((s, f) => s + f.bytes, 0),
      assetCount: exported.length,
      skipped,
      error: null,
      verifyMs,
    });
    stmt(core.sqlite, 'UPDATE packs SET export_path = ?, exported_at = ?, export_sha256 = ?, default_preset = ?, updated_at = ? WHERE id = ?').run(
      zips.length === 1 ? zips[0]!.path : outDir,
      record.finishedAt,
      zips.length === 1 ? zips[0]!.sha256 : null,
      preset.id,
      record.finishedAt,
      packId,
    );
    progress(1, skipped.length ? `Exported; ${skipped.length} asset(s) left out` : 'Exported');
    core.events.emit('packs.exportFinished', { exportId, packId, record });
    core.events.emit('packs.changed', { packId });
    return record;
  } catch (err) {
    await Promise.all(verifiersOf.map((v) => v.dispose().catch(() => undefined)));
    await Promise.all(temps.map((t) => rm(t, { force: true }).catch(() => undefined)));
    const { status, message } = err instanceof AppError ? { status: 'failed' as const, message: err.message } : describeFailure(err, signal);
    const record = finishExportRecord(core, exportId, { status, files: [], sha256: null, totalBytes: 0, assetCount: 0, skipped, error: message, verifyMs: null });
    core.events.emit('packs.exportFinished', { exportId, packId, record });
    core.events.emit('packs.changed', { packId });
    if (err instanceof AppError) throw err;
    if (status === 'cancelled') throw new AppError('cancelled', message);
    throw new AppError('io_error', message, { cause: (err as Error)?.message });
  } finally {
    previewsStop.abort(new Error('The export ended'));
    await previewsPromise?.catch(() => undefined);
    await rm(previewsDir, { recursive: true, force: true }).catch(() => undefined);
    running.delete(exportId);
  }
}

/** `needHash` collects the entries whose SHA-256 the verifier must compute while re-reading. */
async function addAsset(zw: ZipWriter, root: string, m: Member, options: ReturnType<typeof exportOptionsSchema.parse>, needHash: Set<string>, signal?: AbortSignal): Promise<ExportedAsset> {
  if (options.reencode && m.type === 'image') {
    const r = options.reencode;
    let img = sharp(m.path, { failOn: 'error' }).rotate();
    if (r.maxSize) img = img.resize(r.maxSize, r.maxSize, { fit: 'inside', withoutEnlargement: true });
    const data = await (r.format === 'jpeg' ? img.flatten({ background: '#ffffff' }).jpeg({ quality: r.quality }) : r.format === 'webp' ? img.webp({ quality: r.quality }) : img.png()).toBuffer();
    const ext = r.format === 'jpeg' ? '.jpg' : `.${r.format}`;
    const filename = `${splitExt(m.exportName).stem}${ext}`;
    await zw.addBuffer(`${root}/assets/${filename}`, data, { method: 'store' });
    if (signal?.aborted) throw signal.reason;
    return { member: m, filename, relPath: `assets/${filename}`, sizeBytes: data.length, sha256: createHash('sha256').update(data).digest('hex'), reencodedTo: r.format, tags: [], promptRelPath: null };
  }
  const st = await stat(m.path);
  const method = methodFor(m.exportName);
  // A file whose size and modification time still match what ingest hashed has that hash (the
  // same trust ingest's rescans place in them); any other is hashed by the verifier's re-read,
  // as it is now. Hashing 2 GB twice (entries and archive) was most of an export's CPU.
  const unchanged = st.size === m.size_bytes && Math.floor(st.mtimeMs) === m.mtime_ms;
  const entryName = `${root}/assets/${m.exportName}`;
  if (!unchanged) needHash.add(entryName);
  await zw.addFile(entryName, m.path, {
    method,
    level: method === 'deflate' && m.type === 'audio' ? 3 : 6,
    mtime: st.mtime,
    expectedSize: st.size,
  });
  return { member: m, filename: m.exportName, relPath: `assets/${m.exportName}`, sizeBytes: st.size, sha256: unchanged ? m.sha256 : '', reencodedTo: null, tags: [], promptRelPath: null };
}

function tagsOf(core: Atelier, ids: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const q = stmt(core.sqlite, 'SELECT t.name FROM asset_tags at JOIN tags t ON t.id = at.tag_id WHERE at.asset_id = ? ORDER BY t.name');
  for (const id of ids) out.set(id, (q.all(id) as { name: string }[]).map((r) => r.name));
  return out;
}

function toTrail(e: WrittenEntry, needHash: Set<string>): TrailEntry {
  return { name: e.name, localOffset: e.offset, dataOffset: e.dataOffset, compressedSize: e.compressedSize, size: e.size, crc: e.crc, method: e.method, hash: needHash.has(e.name) };
}

/** The central directory read back from disk must describe exactly the entries that were written. */
function checkCentralDirectory(zip: string, read: ZipEntryInfo[], written: WrittenEntry[], bytes: number, verifiedBytes: number): void {
  if (verifiedBytes !== bytes) throw new Error(`${zip}: ${verifiedBytes} bytes re-read, ${bytes} written`);
  if (read.length !== written.length) throw new Error(`${zip}: ${read.length} entries in the central directory, ${written.length} written`);
  read.forEach((r, i) => {
    const w = written[i]!;
    if (r.name !== w.name || r.crc >>> 0 !== w.crc >>> 0 || r.size !== w.size || r.compressedSize !== w.compressedSize || r.localOffset !== w.offset) {
      throw new Error(`${zip}: central directory entry ${i} (${r.name}) does not match what was written`);
    }
  });
}
