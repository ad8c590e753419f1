import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface HashOptions {
  /** Stops the read; the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** After each chunk: bytes hashed so far and the file's size when the hash began. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * SHA-256 of a whole file, as hex. Model files run to tens of GB: 4 MB reads keep the syscall
 * count low while the memory held stays small, and the signal lets a scan stop mid-file.
 */
export async function sha256File(file: string, opts: HashOptions = {}): Promise<string> {
  opts.signal?.throwIfAborted();
  const total = (await stat(file)).size;
  const hash = createHash('sha256');
  let done = 0;
  const stream = createReadStream(file, { highWaterMark: 4 * 1024 * 1024, signal: opts.signal });
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    hash.update(buf);
    done += buf.length;
    opts.onProgress?.(done, total);
  }
  return hash.digest('hex');
}

/** A1111's short model hash ("AutoV2" on Civitai): the first 10 hex digits of the SHA-256. */
export function autov2(sha256: string): string {
  return sha256.slice(0, 10).toLowerCase();
}
