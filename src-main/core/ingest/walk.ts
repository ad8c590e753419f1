import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isCandidateFile, isIgnoredName } from './ignore';
import { IngestError, toIngestError } from '../util/ingestError';

export interface WalkedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: WalkedFile[];
  failures: { path: string; error: IngestError }[];
  /** Folders that could not be listed: what lived there must not be taken for deleted. */
  unreadableDirs: string[];
}

/** True when a name read as raw bytes does not survive a UTF-8 round trip. */
function invalidUtf8(raw: Buffer): boolean {
  return !Buffer.from(raw.toString('utf8'), 'utf8').equals(raw);
}

/**
 * Lists the media files under a folder. Follows symbolic links, but visits each folder and each
 * file once, known by device and inode across the whole walk: 25 symlinks forming diamonds once
 * turned one PNG into 4,096 paths. A link that leads back into its own branch is a loop and is
 * reported; a second way into a folder already listed is simply not taken. Names that are not
 * valid UTF-8, unreadable folders and loops are failures, never a stop.
 */
export async function walkFolder(root: string, recursive: boolean): Promise<WalkResult> {
  const result: WalkResult = { files: [], failures: [], unreadableDirs: [] };
  const rootReal = await realpath(root);
  const seen: Seen = { dirs: new Set(), files: new Set() };
  const rootStat = await stat(root);
  seen.dirs.add(inodeKey(rootStat));
  await walkDir(root, [rootReal], recursive, result, seen);
  return result;
}

interface Seen {
  dirs: Set<string>;
  files: Set<string>;
}

const inodeKey = (s: { dev: number; ino: number }) => `${s.dev}:${s.ino}`;

async function walkDir(
  dir: string,
  ancestors: string[],
  recursive: boolean,
  out: WalkResult,
  seen: Seen,
): Promise<void> {
  let entries: Dirent<Buffer>[];
  try {
    entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (err) {
    out.unreadableDirs.push(dir);
    out.failures.push({ path: dir, error: toIngestError(err) });
    return;
  }
  for (const entry of entries) {
    const rawName = entry.name;
    const name = rawName.toString('utf8');
    const full = path.join(dir, name);
    if (isIgnoredName(name)) continue;
    if (invalidUtf8(rawName)) {
      out.failures.push({
        path: full,
        error: new IngestError(
          'bad_name',
          'The file name is not valid UTF-8 text; rename the file so Atelier can read it',
        ),
      });
      continue;
    }
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const s = await stat(full);
        isDir = s.isDirectory();
        isFile = s.isFile();
      } catch (err) {
        if (isCandidateFile(full) || (err as NodeJS.ErrnoException).code === 'ELOOP')
          out.failures.push({ path: full, error: toIngestError(err) });
        continue;
      }
    }
    if (isDir) {
      if (!recursive) continue;
      let real: string;
      try {
        real = await realpath(full);
      } catch (err) {
        out.failures.push({ path: full, error: toIngestError(err) });
        continue;
      }
      if (ancestors.includes(real)) {
        out.failures.push({
          path: full,
          error: new IngestError(
            'symlink_loop',
            `Symbolic link loop: this folder leads back to ${real}, so it was not followed`,
          ),
        });
        continue;
      }
      let key: string;
      try {
        key = inodeKey(await stat(full));
      } catch (err) {
        out.failures.push({ path: full, error: toIngestError(err) });
        continue;
      }
      if (seen.dirs.has(key)) continue;
      seen.dirs.add(key);
      await walkDir(full, [...ancestors, real], recursive, out, seen);
    } else if (isFile && isCandidateFile(full)) {
      try {
        const s = await stat(full);
        const key = inodeKey(s);
        if (seen.files.has(key)) continue;
        seen.files.add(key);
        out.files.push({ path: full, size: s.size, mtimeMs: Math.floor(s.mtimeMs) });
      } catch (err) {
        out.failures.push({ path: full, error: toIngestError(err) });
      }
    }
  }
}
