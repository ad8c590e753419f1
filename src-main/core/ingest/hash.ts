import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const SLICE = 1024 * 1024;

/**
 * SHA-256 of a buffer already in memory. Hashing is synchronous, so large buffers are fed in
 * 1 MiB slices with a yield between them to keep the main thread's event loop responsive.
 */
export async function sha256OfBuffer(buf: Buffer): Promise<string> {
  const h = createHash('sha256');
  for (let off = 0; off < buf.length; off += SLICE) {
    h.update(buf.subarray(off, Math.min(buf.length, off + SLICE)));
    if (off + SLICE < buf.length) await new Promise<void>((r) => setImmediate(r));
  }
  return h.digest('hex');
}

/** SHA-256 streamed from disk through one reused 1 MiB buffer (large audio and video). */
export async function sha256OfFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  const fh = await open(file, 'r');
  const buf = Buffer.allocUnsafe(SLICE);
  let bytes = 0;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, SLICE, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return { sha256: h.digest('hex'), bytes };
}
