/**
 * Clusters 64-bit perceptual hashes whose Hamming distance is within a threshold, without
 * comparing every pair. Multi-index hashing: split each hash into 4 chunks of 16 bits; two
 * hashes within distance t differ by at most floor(t/4) bits in at least one chunk (pigeonhole),
 * so only hashes found by probing each chunk's neighbours within that radius are compared.
 */
export interface HashedItem {
  rid: number;
  hi: number;
  lo: number;
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

/** Every 16-bit value within `radius` bit flips of v (v included), written into `out`. */
function neighbours(v: number, radius: number, out: Int32Array): number {
  let k = 0;
  out[k++] = v;
  if (radius >= 1) for (let i = 0; i < 16; i++) out[k++] = v ^ (1 << i);
  if (radius >= 2) for (let i = 0; i < 16; i++) for (let j = i + 1; j < 16; j++) out[k++] = v ^ (1 << i) ^ (1 << j);
  if (radius >= 3)
    for (let i = 0; i < 16; i++) for (let j = i + 1; j < 16; j++) for (let l = j + 1; l < 16; l++) out[k++] = v ^ (1 << i) ^ (1 << j) ^ (1 << l);
  return k;
}

/**
 * One table per chunk as a counting sort: `start[v]..start[v+1]` indexes `members`, the items
 * whose chunk equals v. Flat typed arrays, so a probe is two array reads (a Map of arrays was
 * 4× slower at 100,000 hashes).
 */
function chunkTable(values: Uint16Array): { start: Int32Array; members: Int32Array } {
  const start = new Int32Array(65537);
  for (const v of values) start[v + 1]!++;
  for (let v = 0; v < 65536; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, 65536);
  const members = new Int32Array(values.length);
  values.forEach((v, i) => (members[fill[v]!++] = i));
  return { start, members };
}

/** Groups of item indexes (size ≥ 2) connected by distance ≤ threshold (single linkage). */
export function clusterNear(items: HashedItem[], threshold: number): number[][] {
  const n = items.length;
  const parent = new Int32Array(n).map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  items.forEach((it, i) => {
    hi[i] = it.hi;
    lo[i] = it.lo;
  });
  const chunkValues = [0, 1, 2, 3].map((c) => {
    const arr = new Uint16Array(n);
    for (let i = 0; i < n; i++) arr[i] = c === 0 ? hi[i]! >>> 16 : c === 1 ? hi[i]! & 0xffff : c === 2 ? lo[i]! >>> 16 : lo[i]! & 0xffff;
    return arr;
  });
  const tables = chunkValues.map(chunkTable);
  const radius = Math.min(3, Math.floor(threshold / 4));
  const probe = new Int32Array(1 + 16 + 120 + 560);
  for (let i = 0; i < n; i++) {
    const hiI = hi[i]!;
    const loI = lo[i]!;
    for (let c = 0; c < 4; c++) {
      const { start, members } = tables[c]!;
      const count = neighbours(chunkValues[c]![i]!, radius, probe);
      for (let p = 0; p < count; p++) {
        const v = probe[p]!;
        for (let m = start[v]!, end = start[v + 1]!; m < end; m++) {
          const j = members[m]!;
          if (j <= i) continue;
          if (popcount32((hiI ^ hi[j]!) >>> 0) + popcount32((loI ^ lo[j]!) >>> 0) <= threshold) {
            const ri = find(i);
            const rj = find(j);
            if (ri !== rj) parent[rj] = ri;
          }
        }
      }
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}
