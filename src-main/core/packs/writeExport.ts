import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { ExportOptions, PackExportFile, PackPreset } from '../../contract/packs';
import { readCentralDirectory, type ZipEntryInfo } from '../zip/zipVerify';
import { TrailVerifier, type TrailEntry } from '../zip/trailVerifier';
import { ZipWriter, type SinkFactory, type WrittenEntry } from '../zip/zipWriter';
import {
  buildManifest,
  renderChecksums,
  renderPrompt,
  renderReadme,
  renderStoreCopy,
  suggestedTags,
  type ExportedAsset,
  type HistoryEntry,
} from './docs';
import type { PackDbRow, PackMemberRow } from './packStore';
import {
  sheetName,
  TILES_PER_SHEET,
  writePreviews,
  type PreviewJob,
  type PreviewOnDisk,
  type PreviewSet,
} from './previews';
import { planParts, type PartPlan } from './parts';
import { splitExt } from './fileNames';
import { planStripFile } from './stripMetadata';

export const PARTIAL_SUFFIX = '.atelier-partial';

/** The temp name a file of export `exportId` is written under until it is complete and verified. */
export const partialName = (final: string, exportId: string) =>
  `${final}.${exportId}${PARTIAL_SUFFIX}`;

/** Deflate only what shrinks: text, and uncompressed audio and images; media formats are stored. */
const DEFLATE_EXTS = new Set([
  'txt',
  'srt',
  'vtt',
  'md',
  'json',
  'csv',
  'svg',
  'wav',
  'aif',
  'aiff',
  'bmp',
  'tif',
  'tiff',
  'psd',
]);
const methodFor = (name: string) =>
  DEFLATE_EXTS.has(splitExt(name).ext.slice(1).toLowerCase()) ? 'deflate' : 'store';

export interface ExportMember extends PackMemberRow {
  exportName: string;
}

/**
 * Everything the writing of an export needs, decided beforehand from the database: plain data,
 * so it crosses to the export process (exportProcess.ts) as it is.
 */
export interface ExportWork {
  exportId: string;
  /** Top folder inside the ZIP, and the stem of its file name. */
  root: string;
  outDir: string;
  startedAt: string;
  appVersion: string;
  pack: PackDbRow;
  members: ExportMember[];
  options: ExportOptions;
  preset: PackPreset;
  holder: string;
  support: string;
  /** LICENSE.txt, as written. */
  license: string;
  tags: Record<string, string[]>;
  history: HistoryEntry[];
  /** What the previews need besides the members, and the preset's collage. */
  previews: Omit<PreviewJob, 'members' | 'collage'>;
}

export interface WrittenFile extends PackExportFile {
  /** Where it lies until the caller renames it to `path`. */
  temp: string;
}

export interface WrittenExport {
  files: WrittenFile[];
  assetCount: number;
  verifyMs: number;
}

export interface WriteRunOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  /** Tests swap the output for one that fails like a full disk. */
  sink?: SinkFactory;
}

/**
 * Writes an export's ZIP(s) and listing collage under temp names, each fsynced and verified by
 * re-reading it: previews drawn while the assets stream, files copied with their SHA-256 taken
 * from ingest (or from the verifier's re-read when a file changed), README, LICENSE, manifest and
 * checksums last. The caller renames the temps to their final names; on failure it removes them
 * (every temp is named by partialName).
 */
export async function writeExport(
  work: ExportWork,
  run: WriteRunOptions = {},
): Promise<WrittenExport> {
  const { options, preset, pack, members, root } = work;
  const { signal } = run;
  const progress = run.onProgress ?? (() => undefined);
  const verifiers: TrailVerifier[] = [];
  // Previews are image work, mostly in ffmpeg and libvips threads, done while the assets stream
  // unless a size cap needs their size to plan the parts first.
  const previewsStop = new AbortController();
  const previewsPromise = writePreviews(
    { ...work.previews, members, collage: preset.collage },
    signal ? AbortSignal.any([signal, previewsStop.signal]) : previewsStop.signal,
  );
  previewsPromise.catch(() => undefined);
  try {
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
    const licenseBuf = Buffer.from(work.license.replace(/\n/g, '\r\n'), 'utf8');

    const totalBytes = members.reduce((s, m) => s + m.size_bytes, 0);
    // Progress follows the bytes written; verification runs alongside and leaves only a short tail.
    let doneBytes = 0;
    let lastEmit = 0;
    const fraction = () =>
      Math.min(0.99, 0.05 + (doneBytes / Math.max(1, totalBytes * 1.05)) * 0.94);
    const report01 = (phase: string) => {
      const now = Date.now();
      if (now - lastEmit < 200) return;
      lastEmit = now;
      progress(fraction(), phase);
    };

    const exported: ExportedAsset[] = [];
    let strippedCount = 0;
    const shaPending: Promise<void>[] = [];
    const files: WrittenFile[] = [];
    let verifyMs = 0;
    // The docs part is written last: its manifest and checksums need every asset's hash.
    const order = [...plan.filter((p) => !p.docs), ...plan.filter((p) => p.docs)];
    // Names are fixed by count (the sheets and heroes to come), so a README can be written before they exist.
    const sheetCount = Math.ceil(members.length / TILES_PER_SHEET);
    const previewNames = Array.from({ length: sheetCount }, (_, i) => `previews/${sheetName(i)}`);
    const includes = {
      prompts: options.includePrompts !== false,
      metadataStripped: options.stripMetadata === true,
    };
    const readmeFor = (assets: ExportedAsset[]) =>
      Buffer.from(
        renderReadme({
          includes,
          pack,
          assets,
          holder: work.holder,
          support: work.support,
          previews: previewNames,
          history: work.history,
          exportedAt: work.startedAt,
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
      tags: work.tags[m.asset_id] ?? [],
      promptRelPath: null,
      strippedMetadata: [],
    }));

    for (const part of order) {
      const final = path.join(work.outDir, zipName(part));
      const temp = partialName(final, work.exportId);
      const verifier = new TrailVerifier(temp);
      verifiers.push(verifier);
      const needHash = new Set<string>();
      const zw = await ZipWriter.create(temp, {
        signal,
        sink: run.sink,
        onBytes: (n) => {
          doneBytes += n;
          report01(`Writing ${zipName(part)}`);
        },
        onFinal: (entries, durable) =>
          verifier.advance(
            entries.map((e) => toTrail(e, needHash)),
            durable,
          ),
      });
      try {
        await zw.addDirectory(`${root}/`);
        await zw.addDirectory(`${root}/assets/`);
        const inPart: ExportedAsset[] = [];
        for (const id of part.assetIds) {
          const m = byId.get(id)!;
          const ea = await addAsset(zw, root, m, options, needHash, signal);
          if (ea.strippedMetadata.length) strippedCount++;
          // The hash comes from the verifier's re-read of the ZIP: checksums.txt then vouches for
          // the bytes the buyer gets, and the writer's core never spends time on SHA-256.
          if (!ea.sha256) {
            const p = verifier.shaOf(`${root}/${ea.relPath}`).then((h) => void (ea.sha256 = h));
            p.catch(() => undefined); // awaited before the manifest; a failure surfaces there or in finish()
            shaPending.push(p);
          }
          ea.tags = work.tags[id] ?? [];
          if (includes.prompts && (m.provenance === 'ai_generated' || m.prompt))
            ea.promptRelPath = `prompts/${splitExt(m.exportName).stem}.txt`;
          inPart.push(ea);
          exported.push(ea);
        }
        const withPrompts = inPart.filter((a) => a.promptRelPath);
        if (withPrompts.length) {
          await zw.addDirectory(`${root}/prompts/`);
          for (const a of withPrompts)
            await zw.addBuffer(`${root}/${a.promptRelPath}`, Buffer.from(renderPrompt(a), 'utf8'), {
              method: 'deflate',
            });
        }
        const docsEntries: { relPath: string; sha256: string; sizeBytes: number }[] = [];
        const addDoc = async (rel: string, data: Buffer) => {
          await zw.addBuffer(`${root}/${rel}`, data, { method: methodFor(rel) });
          docsEntries.push({
            relPath: rel,
            sha256: createHash('sha256').update(data).digest('hex'),
            sizeBytes: data.length,
          });
        };
        let previews: PreviewOnDisk[] = [];
        if (part.docs) {
          progress(fraction(), 'Finishing previews and checksums');
          previews = inZip(await previewsPromise);
          previewNames.splice(0, previewNames.length, ...previews.map((p) => `previews/${p.name}`));
          // The verifier reads only what is on the disk: the last assets may still be in the writer's block.
          if (shaPending.length) await zw.flush();
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
              if (!withPrompts.length && !docsEntries.some((d) => d.relPath.startsWith('prompts/')))
                await zw.addDirectory(`${root}/prompts/`);
              await addDoc(a.promptRelPath!, data);
            } else {
              docsEntries.push({
                relPath: a.promptRelPath!,
                sha256: createHash('sha256').update(data).digest('hex'),
                sizeBytes: data.length,
              });
            }
          }
          const storeCopy = options.storeCopy ?? preset.storeCopy;
          if (storeCopy)
            await addDoc(
              'store_copy.txt',
              Buffer.from(renderStoreCopy(pack, exported, suggestedTags(pack, exported)), 'utf8'),
            );
          if (preset.descriptionFile)
            await addDoc(
              'DESCRIPTION.txt',
              Buffer.from(
                `${pack.name}\n\n${pack.description.trim() || renderStoreCopy(pack, exported, suggestedTags(pack, exported))}\n`,
                'utf8',
              ),
            );
          const manifest = buildManifest({
            includes: { ...includes, strippedFiles: strippedCount },
            pack,
            assets: exported,
            exportedAt: work.startedAt,
            appVersion: work.appVersion,
            previews: previewNames,
            docs: docsEntries,
            parts: partNames,
          });
          await addDoc('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2), 'utf8'));
          const sums = [
            ...exported.map((a) => ({ relPath: a.relPath, sha256: a.sha256 })),
            ...docsEntries.map((d) => ({ relPath: d.relPath, sha256: d.sha256 })),
          ];
          await zw.addBuffer(`${root}/checksums.txt`, Buffer.from(renderChecksums(sums), 'utf8'), {
            method: 'deflate',
          });
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
          if (size !== undefined && size !== e.size)
            throw new Error(`${e.name}: ${e.size} bytes in the ZIP, ${size} in the manifest`);
        }
        verifyMs += Date.now() - verifyStart;
        files.push({
          path: final,
          temp,
          bytes,
          sha256: trail.sha256,
          entries: entries.length,
          kind: 'zip',
        });
      } catch (err) {
        await zw.abort();
        throw err;
      }
    }

    if (signal?.aborted) throw signal.reason;
    files.sort((a, b) => a.path.localeCompare(b.path));
    const collageFile = (await previewsPromise).collage;
    if (collageFile) {
      const data = await readFile(collageFile.file);
      const final = path.join(work.outDir, `${root}_listing.jpg`);
      const temp = partialName(final, work.exportId);
      await writeFile(temp, data, { flag: 'wx' });
      files.push({
        path: final,
        temp,
        bytes: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
        entries: 0,
        kind: 'collage',
      });
    }
    return { files, assetCount: exported.length, verifyMs };
  } catch (err) {
    await Promise.all(verifiers.map((v) => v.dispose().catch(() => undefined)));
    throw err;
  } finally {
    previewsStop.abort(new Error('The export ended'));
    await previewsPromise.catch(() => undefined);
  }
}

/** `needHash` collects the entries whose SHA-256 the verifier must compute while re-reading. */
async function addAsset(
  zw: ZipWriter,
  root: string,
  m: ExportMember,
  options: ExportOptions,
  needHash: Set<string>,
  signal?: AbortSignal,
): Promise<ExportedAsset> {
  if (options.reencode && m.type === 'image') {
    const r = options.reencode;
    let img = sharp(m.path, { failOn: 'error' }).rotate();
    if (r.maxSize)
      img = img.resize(r.maxSize, r.maxSize, { fit: 'inside', withoutEnlargement: true });
    const data = await (
      r.format === 'jpeg'
        ? img.flatten({ background: '#ffffff' }).jpeg({ quality: r.quality })
        : r.format === 'webp'
          ? img.webp({ quality: r.quality })
          : img.png()
    ).toBuffer();
    const ext = r.format === 'jpeg' ? '.jpg' : `.${r.format}`;
    const filename = `${splitExt(m.exportName).stem}${ext}`;
    await zw.addBuffer(`${root}/assets/${filename}`, data, { method: 'store' });
    if (signal?.aborted) throw signal.reason;
    return {
      member: m,
      filename,
      relPath: `assets/${filename}`,
      sizeBytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      reencodedTo: r.format,
      tags: [],
      promptRelPath: null,
      // A re-encode writes no metadata at all (sharp keeps none unless asked).
      strippedMetadata: options.stripMetadata ? ['re-encoded without metadata'] : [],
    };
  }
  if (options.stripMetadata && m.type === 'image') {
    const plan = await planStripFile(m.path).catch(() => null);
    if (plan) {
      const entryName = `${root}/assets/${m.exportName}`;
      // New bytes, hashed as they go in (small: a picture's few MB).
      const st = await stat(m.path);
      const h = createHash('sha256');
      await zw.addPieces(entryName, m.path, plan.pieces, {
        sourceSize: plan.sourceSize,
        mtime: st.mtime,
        onData: (c) => h.update(c),
      });
      if (signal?.aborted) throw signal.reason;
      return {
        member: m,
        filename: m.exportName,
        relPath: `assets/${m.exportName}`,
        sizeBytes: plan.size,
        sha256: h.digest('hex'),
        reencodedTo: null,
        tags: [],
        promptRelPath: null,
        strippedMetadata: plan.removed,
      };
    }
  }
  const st = await stat(m.path);
  const method = methodFor(m.exportName);
  // A file whose size and modification time still match what ingest hashed has that hash (the
  // same trust ingest's rescans place in them); any other is hashed by the verifier's re-read,
  // as it is now. Hashing 2 GB twice (entries and archive) was most of an export's CPU.
  const unchanged = st.size === m.size_bytes && Math.floor(st.mtimeMs) === m.mtime_ms;
  const entryName = `${root}/assets/${m.exportName}`;
  // A changed file is hashed as it is copied. (Leaving it to the verifier's re-read deadlocked a
  // small export: the re-read stops before the last partial page until the ZIP is finished, and
  // the manifest, written before that, waited for the hash.)
  const h = unchanged ? null : createHash('sha256');
  await zw.addFile(entryName, m.path, {
    method,
    level: method === 'deflate' && m.type === 'audio' ? 3 : 6,
    mtime: st.mtime,
    expectedSize: st.size,
    onData: h ? (c) => h.update(c) : undefined,
  });
  return {
    member: m,
    filename: m.exportName,
    relPath: `assets/${m.exportName}`,
    sizeBytes: st.size,
    sha256: h ? h.digest('hex') : m.sha256,
    reencodedTo: null,
    tags: [],
    promptRelPath: null,
    strippedMetadata: [],
  };
}

function toTrail(e: WrittenEntry, needHash: Set<string>): TrailEntry {
  return {
    name: e.name,
    localOffset: e.offset,
    dataOffset: e.dataOffset,
    compressedSize: e.compressedSize,
    size: e.size,
    crc: e.crc,
    method: e.method,
    hash: needHash.has(e.name),
  };
}

/** The central directory read back from disk must describe exactly the entries that were written. */
function checkCentralDirectory(
  zip: string,
  read: ZipEntryInfo[],
  written: WrittenEntry[],
  bytes: number,
  verifiedBytes: number,
): void {
  if (verifiedBytes !== bytes)
    throw new Error(`${zip}: ${verifiedBytes} bytes re-read, ${bytes} written`);
  if (read.length !== written.length)
    throw new Error(
      `${zip}: ${read.length} entries in the central directory, ${written.length} written`,
    );
  read.forEach((r, i) => {
    const w = written[i]!;
    if (
      r.name !== w.name ||
      r.crc >>> 0 !== w.crc >>> 0 ||
      r.size !== w.size ||
      r.compressedSize !== w.compressedSize ||
      r.localOffset !== w.offset
    ) {
      throw new Error(
        `${zip}: central directory entry ${i} (${r.name}) does not match what was written`,
      );
    }
  });
}
