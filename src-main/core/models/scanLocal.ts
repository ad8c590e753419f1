import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelKind } from '../../contract/models';
import type { Atelier } from '../app/atelier';
import { modelKindFolders } from '../datadir/dataDir';
import { statements } from '../db/statements';
import { readEngineSettings } from '../engines/engineSettings';
import { describeModelFile } from './files/describeModel';
import { ModelFileError } from './files/safetensors';
import { recordModelFile, type FoundFile } from './registry';

/** What each folder of a kind holds, unless the file's own header says otherwise. */
const folderKinds: Record<(typeof modelKindFolders)[number], ModelKind> = {
  checkpoints: 'checkpoint',
  loras: 'lora',
  vaes: 'vae',
  upscalers: 'upscaler',
};

export const modelExtensions = new Set([
  '.safetensors',
  '.sft',
  '.gguf',
  '.ckpt',
  '.pt',
  '.pth',
  '.bin',
]);

/** The data dir's model folders and those set in Settings → Engines, with the kind each holds. */
export async function modelFolders(core: Atelier): Promise<{ dir: string; kind: ModelKind }[]> {
  const settings = await readEngineSettings(core.db);
  const out: { dir: string; kind: ModelKind }[] = [];
  for (const k of modelKindFolders) {
    out.push({ dir: path.join(core.layout.models, k), kind: folderKinds[k] });
    for (const extra of settings.modelFolders[k])
      out.push({ dir: path.resolve(extra), kind: folderKinds[k] });
  }
  const seen = new Set<string>();
  return out.filter((f) => (seen.has(f.dir) ? false : (seen.add(f.dir), true)));
}

/** Model files under a folder (sub-folders too, as ComfyUI and A1111 allow), at most 8 deep. */
async function listModelFiles(dir: string, depth = 0): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory() && depth < 8) out.push(...(await listModelFiles(full, depth + 1)));
    else if (
      (e.isFile() || e.isSymbolicLink()) &&
      modelExtensions.has(path.extname(e.name).toLowerCase())
    )
      out.push(full);
  }
  return out;
}

interface Known {
  size_bytes: number | null;
  mtime_ms: number | null;
  model_id: string | null;
  problem: string | null;
}

/**
 * Scans this computer's model folders. A file whose size and mtime are what the last scan saw is
 * not read again (a warm scan of hundreds of files is a few stats); a new or changed one has its
 * header read (never the weights) and is queued for hashing. Files that went away are forgotten.
 */
export async function scanLocalModels(core: Atelier): Promise<FoundFile[]> {
  const folders = await modelFolders(core);
  const known = new Map(
    (
      statements(core.sqlite).all(
        `SELECT path, size_bytes, mtime_ms, model_id, problem FROM model_files WHERE location = 'local'`,
        [],
      ) as (Known & { path: string })[]
    ).map((r) => [r.path, r]),
  );
  const found: FoundFile[] = [];
  const seen = new Set<string>();
  for (const { dir, kind } of folders) {
    for (const file of await listModelFiles(dir)) {
      if (seen.has(file)) continue;
      seen.add(file);
      let st;
      try {
        st = await stat(file);
      } catch {
        continue;
      }
      const before = known.get(file);
      const unchanged =
        before && before.size_bytes === st.size && before.mtime_ms === Math.floor(st.mtimeMs);
      if (unchanged) {
        found.push({
          location: 'local',
          path: file,
          changed: false,
          kindHint: kind,
          sizeBytes: st.size,
          mtimeMs: Math.floor(st.mtimeMs),
          facts: null,
          problem: before.problem,
        });
        continue;
      }
      let facts = null;
      let problem: string | null = null;
      try {
        facts = await describeModelFile(file);
      } catch (err) {
        problem =
          err instanceof ModelFileError ? err.message : `cannot be read: ${(err as Error).message}`;
      }
      found.push({
        location: 'local',
        path: file,
        changed: true,
        kindHint: kind,
        sizeBytes: st.size,
        mtimeMs: Math.floor(st.mtimeMs),
        facts,
        problem,
      });
    }
  }
  for (const f of found) recordModelFile(core, f);
  // Files no longer in any folder: their rows go (the model row, with its license, stays).
  const gone = [...known.keys()].filter((p) => !seen.has(p));
  const del = statements(core.sqlite).get(
    `DELETE FROM model_files WHERE location = 'local' AND path = ?`,
  );
  core.sqlite.transaction(() => {
    for (const p of gone) del.run(p);
  })();
  return found;
}
