import { Worker } from 'node:worker_threads';
import { nearDuplicatesWorkerSource } from './nearDuplicatesWorker';

/**
 * Near-duplicate clustering of 64-bit perceptual hashes. The hashes travel as two Uint32Arrays
 * (high and low halves) rather than a million objects, and are transferred to a worker thread,
 * not copied; the clustering itself is in nearDuplicatesWorker.ts.
 */
export interface PackedHashes {
  hi: Uint32Array;
  lo: Uint32Array;
}

export function parsePhash(hex: string | null): { hi: number; lo: number } | null {
  if (!hex || !/^[0-9a-fA-F]{16}$/.test(hex)) return null;
  return { hi: parseInt(hex.slice(0, 8), 16) >>> 0, lo: parseInt(hex.slice(8), 16) >>> 0 };
}

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function hamming(a: { hi: number; lo: number }, b: { hi: number; lo: number }): number {
  return popcount32((a.hi ^ b.hi) >>> 0) + popcount32((a.lo ^ b.lo) >>> 0);
}

/**
 * How alike two 64-bit perceptual hashes say two pictures are, in percent: 100 for equal hashes,
 * 1 − bits/64 otherwise (6 bits apart is 91 %). What the Duplicates view shows instead of bits.
 */
export function similarityPercent(bits: number): number {
  return Math.round((1 - bits / 64) * 100);
}

/**
 * Groups of hash indexes (size ≥ 2) connected by Hamming distance ≤ threshold (single linkage),
 * biggest first, at most `limit` groups. Runs in a worker thread so the caller's event loop keeps
 * turning; the arrays are transferred to it and are unusable here afterwards.
 */
export function clusterNear(
  hashes: PackedHashes,
  threshold: number,
  limit = Number.MAX_SAFE_INTEGER,
): Promise<number[][]> {
  if (hashes.hi.length !== hashes.lo.length)
    throw new Error('clusterNear: hi and lo must have the same length');
  // Chunk probing finds every pair only up to 15 bits apart (see nearDuplicatesWorker.ts).
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > 15)
    throw new Error(`clusterNear: threshold must be an integer 0–15, got ${threshold}`);
  if (hashes.hi.length < 2 || limit < 1) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const worker = new Worker(nearDuplicatesWorkerSource, {
      eval: true,
      workerData: { hi: hashes.hi, lo: hashes.lo, threshold, limit },
      transferList: [...new Set([hashes.hi.buffer, hashes.lo.buffer])] as ArrayBuffer[],
    });
    let settled = false;
    worker.once('message', ({ offsets, members }: { offsets: Int32Array; members: Int32Array }) => {
      settled = true;
      const groups: number[][] = [];
      for (let g = 0; g + 1 < offsets.length; g++)
        groups.push(Array.from(members.subarray(offsets[g], offsets[g + 1])));
      resolve(groups);
    });
    worker.once('error', (err) => {
      settled = true;
      reject(new Error(`Near-duplicate search failed: ${err.message}`));
    });
    worker.once('exit', (code) => {
      if (!settled)
        reject(
          new Error(`Near-duplicate search stopped before it finished (worker exit code ${code})`),
        );
    });
  });
}
