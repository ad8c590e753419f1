import { constants as fsConstants, existsSync } from 'node:fs';
import { appendFile, copyFile, link, mkdir, readdir, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { UploadProgress } from '../../contract/library';
import type { Atelier } from '../app/atelier';
import { uuidv7 } from '../util/ids';
import { safeFileName } from '../util/safeName';
import { ensureInbox } from './watchFolders';
import { kindByExtension } from './fileType';
import { ingestPipeline } from './pipeline';
import { statements } from '../db/statements';

const MAX_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024;

/** A name safe to create anywhere (util/safeName.ts): bytes, not characters; no device names. */
export function safeUploadName(name: string): string {
  return safeFileName(name, 'upload');
}

/**
 * Moves the finished part into `dir` under `name`, or "name (2)", "name (3)"…: created
 * exclusively (a hard link fails if the name exists), so twenty uploads of race.png at once make
 * twenty files, never one overwriting another. Across file systems (an Inbox on another disk) a
 * copy made with COPYFILE_EXCL does the same.
 */
async function placeExclusively(part: string, dir: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 1; i < 10_000; i++) {
    const candidate = path.join(dir, i === 1 ? name : `${stem} (${i})${ext}`);
    try {
      await link(part, candidate);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw err;
      try {
        await copyFile(part, candidate, fsConstants.COPYFILE_EXCL);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
    }
    await rm(part, { force: true });
    return candidate;
  }
  throw new AppError('conflict', `No free name for ${name} in ${dir}`);
}

/**
 * Space kept free on the data dir's disk: an upload never takes the last of it (a full disk
 * stops every database write). 512 MB, or ATELIER_UPLOAD_RESERVE_MB.
 */
export function uploadReserveBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.ATELIER_UPLOAD_RESERVE_MB);
  return (Number.isFinite(mb) && mb >= 0 ? mb : 512) * 1024 * 1024;
}

async function freeBytes(dir: string): Promise<number | null> {
  try {
    const s = await statfs(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null; // a file system that cannot say: the write itself will tell
  }
}

function diskFull(what: string): AppError {
  return new AppError(
    'disk_full',
    `${what}: the disk is full (Atelier keeps ${Math.round(uploadReserveBytes() / 1024 / 1024)} MB free). Free some space and upload it again.`,
  );
}

/** A partial upload untouched this long was abandoned (a closed tab, a lost connection). */
export const ABANDONED_UPLOAD_MS = 60 * 60 * 1000;

/**
 * Removes partial uploads nobody has appended to for an hour. Run whenever a new upload starts,
 * so abandoned parts never pile up in tmp/ however long the app stays open.
 */
export async function sweepAbandoned(dir: string, now = Date.now()): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const n of names) {
    if (!n.endsWith('.part')) continue;
    const f = path.join(dir, n);
    try {
      if (now - (await stat(f)).mtimeMs > ABANDONED_UPLOAD_MS) {
        await rm(f, { force: true });
        removed++;
      }
    } catch {
      // Finished or removed meanwhile.
    }
  }
  return removed;
}

/**
 * Browser upload in serve mode: chunks are appended to a file in tmp/uploads; the last chunk
 * moves it into the Inbox under a free name and ingests it. The file is the creator's from then
 * on, kept in a watched folder like anything dropped there.
 */
export async function receiveUpload(
  core: Atelier,
  input: { uploadId?: string; name: string; chunkBase64: string; final: boolean },
): Promise<UploadProgress> {
  const name = safeUploadName(input.name);
  if (!kindByExtension(name))
    throw new AppError(
      'invalid_input',
      `Unsupported file type "${path.extname(name) || '(no extension)'}": upload images, audio or video`,
    );
  const uploadId = input.uploadId ?? uuidv7();
  const dir = path.join(core.layout.tmp, 'uploads');
  await mkdir(dir, { recursive: true });
  if (!input.uploadId) await sweepAbandoned(dir);
  const part = path.join(dir, `${uploadId}.part`);
  if (input.uploadId && !existsSync(part))
    throw new AppError('not_found', 'Unknown or expired upload; start it again');
  const chunk = Buffer.from(input.chunkBase64, 'base64');
  const free = await freeBytes(dir);
  if (free !== null && free - chunk.length < uploadReserveBytes()) {
    await rm(part, { force: true });
    throw diskFull(`Cannot receive ${name}`);
  }
  try {
    await appendFile(part, chunk);
  } catch (err) {
    // A failed part is removed at once: left behind, it would keep the disk full.
    await rm(part, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw diskFull(`Cannot receive ${name}`);
    throw err;
  }
  const receivedBytes = (await stat(part)).size;
  if (receivedBytes > MAX_UPLOAD_BYTES) {
    await rm(part, { force: true });
    throw new AppError('invalid_input', 'The upload is larger than 4 GB');
  }
  if (!input.final) return { uploadId, receivedBytes };

  const inboxId = await ensureInbox(core);
  const inbox = inboxId
    ? (
        statements(core.sqlite).get('SELECT path FROM watch_folders WHERE id = ?').get(inboxId) as {
          path: string;
        }
      ).path
    : path.join(core.layout.root, 'Uploads');
  await mkdir(inbox, { recursive: true });
  let dest: string;
  try {
    dest = await placeExclusively(part, inbox, name);
  } catch (err) {
    await rm(part, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw diskFull(`Cannot save ${name}`);
    throw err;
  }
  const result = await ingestPipeline(core).ingest(dest);
  if (result.outcome === 'failed') {
    // Bytes that are not what they claim (or not readable media) do not stay in the Inbox:
    // unlike a file of the creator's own, an upload exists only because it was sent.
    await rm(dest, { force: true });
    statements(core.sqlite).get('DELETE FROM ingest_failures WHERE path = ?').run(dest);
  }
  return { uploadId, receivedBytes, result };
}
