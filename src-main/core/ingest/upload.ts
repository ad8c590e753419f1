import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { UploadProgress } from '../../contract/library';
import type { Atelier } from '../app/atelier';
import { uuidv7 } from '../util/ids';
import { ensureInbox } from './watchFolders';
import { kindByExtension } from './fileType';
import { ingestPipeline } from './pipeline';
import { statements } from '../db/statements';

const MAX_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024;

/** A name safe to create anywhere: no folders, no control or reserved characters. */
export function safeUploadName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/'));
  const cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f<>:"|?*]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  return cleaned.slice(-200) || 'upload';
}

function uniqueIn(dir: string, name: string): string {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let candidate = path.join(dir, name);
  for (let i = 2; existsSync(candidate); i++) candidate = path.join(dir, `${stem} (${i})${ext}`);
  return candidate;
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
  await appendFile(part, chunk);
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
  const dest = uniqueIn(inbox, name);
  await rename(part, dest);
  const result = await ingestPipeline(core).ingest(dest);
  return { uploadId, receivedBytes, result };
}
