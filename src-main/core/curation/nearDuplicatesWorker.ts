/**
 * The clustering half of near-duplicate search, run in a worker thread: at 1,000,000 hashes it
 * takes seconds, and on the main process's thread that would freeze every api call, event and
 * media response meanwhile.
 *
 * Multi-index hashing: each 64-bit hash is split into 4 chunks of 16 bits; two hashes within
 * distance t differ by at most floor(t/4) bits in at least one chunk (pigeonhole; the radius is
 * capped at 3, so t ≤ 15), so only hashes whose chunk is within that radius are compared. Pairs
 * within the threshold are joined by union-find (single linkage).
 *
 * Plain JavaScript evaluated in the worker (as core/zip/trailVerifier does), so it runs the same
 * under tsx, vitest and the electron-vite bundle with no worker file to locate on disk.
 *
 * In: workerData { hi: Uint32Array, lo: Uint32Array, threshold, limit }. Out: one message
 * { offsets: Int32Array, members: Int32Array }: group g is members[offsets[g]..offsets[g+1]),
 * item indexes ascending; groups of two or more only, biggest first, ties in order of their
 * lowest index, at most `limit` of them.
 */
export const nearDuplicatesWorkerSource = String.raw`
const { parentPort, workerData } = require('node:worker_threads');

function popcount32(x) {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

// Every 16-bit value within radius bit flips of v (v included), written into out.
function neighbours(v, radius, out) {
  let k = 0;
  out[k++] = v;
  if (radius >= 1) for (let i = 0; i < 16; i++) out[k++] = v ^ (1 << i);
  if (radius >= 2) for (let i = 0; i < 16; i++) for (let j = i + 1; j < 16; j++) out[k++] = v ^ (1 << i) ^ (1 << j);
  if (radius >= 3)
    for (let i = 0; i < 16; i++) for (let j = i + 1; j < 16; j++) for (let l = j + 1; l < 16; l++) out[k++] = v ^ (1 << i) ^ (1 << j) ^ (1 << l);
  return k;
}

// One table per chunk as a counting sort: start[v]..start[v+1] are the positions of the items
// whose chunk equals v; members[] holds their indexes and mhi[]/mlo[] copies of their hashes, so
// comparing a bucket's items reads memory in order instead of jumping across the whole arrays.
function chunkTable(values, hi, lo) {
  const n = values.length;
  const start = new Int32Array(65537);
  for (let i = 0; i < n; i++) start[values[i] + 1]++;
  for (let v = 0; v < 65536; v++) start[v + 1] += start[v];
  const fill = start.slice(0, 65536);
  const members = new Int32Array(n);
  const mhi = new Uint32Array(n);
  const mlo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const m = fill[values[i]]++;
    members[m] = i;
    mhi[m] = hi[i];
    mlo[m] = lo[i];
  }
  return { start, members, mhi, mlo };
}

function find(parent, i) {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

function cluster(hi, lo, threshold) {
  const n = hi.length;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const radius = Math.min(3, Math.floor(threshold / 4));
  const probe = new Int32Array(1 + 16 + 120 + 560);
  const values = new Uint16Array(n);
  for (let c = 0; c < 4; c++) {
    for (let i = 0; i < n; i++) values[i] = c === 0 ? hi[i] >>> 16 : c === 1 ? hi[i] & 0xffff : c === 2 ? lo[i] >>> 16 : lo[i] & 0xffff;
    const { start, members, mhi, mlo } = chunkTable(values, hi, lo);
    // Bucket against bucket: every item of bucket v meets every item of each neighbouring bucket
    // w > v, and the later items of v itself, so each pair is compared once per chunk and both
    // buckets stay in cache (item by item, 10 to 30 times slower at 1,000,000 hashes).
    for (let v = 0; v < 65536; v++) {
      const a0 = start[v];
      const a1 = start[v + 1];
      if (a0 === a1) continue;
      const count = neighbours(v, radius, probe);
      for (let p = 0; p < count; p++) {
        const w = probe[p];
        if (w < v) continue;
        const b1 = start[w + 1];
        for (let x = a0; x < a1; x++) {
          const h = mhi[x];
          const l = mlo[x];
          for (let y = w === v ? x + 1 : start[w]; y < b1; y++) {
            if (popcount32((h ^ mhi[y]) >>> 0) + popcount32((l ^ mlo[y]) >>> 0) <= threshold) {
              const ri = find(parent, members[x]);
              const rj = find(parent, members[y]);
              if (ri !== rj) parent[rj] = ri;
            }
          }
        }
      }
    }
  }
  return parent;
}

// Flattens the union-find forest into groups of two or more: biggest first, ties in order of
// their lowest index (the order a scan from index 0 first meets them).
function groupsOf(parent, limit) {
  const n = parent.length;
  const root = new Int32Array(n);
  const size = new Int32Array(n);
  const lowest = new Int32Array(n);
  const roots = [];
  for (let i = 0; i < n; i++) {
    const r = find(parent, i);
    root[i] = r;
    if (size[r] === 0) lowest[r] = i;
    else if (size[r] === 1) roots.push(r);
    size[r]++;
  }
  roots.sort((a, b) => size[b] - size[a] || lowest[a] - lowest[b]);
  const kept = roots.slice(0, limit);
  const slot = new Int32Array(n).fill(-1);
  const offsets = new Int32Array(kept.length + 1);
  kept.forEach((r, g) => {
    slot[r] = g;
    offsets[g + 1] = offsets[g] + size[r];
  });
  const members = new Int32Array(offsets[kept.length]);
  const fill = offsets.slice(0, kept.length);
  for (let i = 0; i < n; i++) {
    const g = slot[root[i]];
    if (g >= 0) members[fill[g]++] = i;
  }
  return { offsets, members };
}

const { hi, lo, threshold, limit } = workerData;
const out = groupsOf(cluster(hi, lo, threshold), limit);
parentPort.postMessage(out, [out.offsets.buffer, out.members.buffer]);
`;
