/**
 * A 64-bit DCT perceptual hash (the classic pHash): 32×32 greyscale → 2-D DCT → the 8×8
 * lowest frequencies without DC → one bit each for above/below their median. Near-duplicates
 * differ in a few bits (Hamming distance), so near-duplicate search can come later cheaply.
 */
const N = 32;
const cos: Float64Array = (() => {
  const t = new Float64Array(N * N);
  for (let k = 0; k < N; k++)
    for (let n = 0; n < N; n++) t[k * N + n] = Math.cos(((2 * n + 1) * k * Math.PI) / (2 * N));
  return t;
})();

/** `grey` is 32×32 single-channel pixels, row-major. Returns 16 hex digits. */
export function phashFromGrey(grey: Uint8Array | Buffer): string {
  if (grey.length < N * N) throw new Error('phash needs 32×32 greyscale pixels');
  // Rows first, keeping only the 8 lowest frequencies: that is all the hash reads.
  const rows = new Float64Array(N * 8);
  for (let y = 0; y < N; y++) {
    for (let k = 0; k < 8; k++) {
      let s = 0;
      for (let x = 0; x < N; x++) s += grey[y * N + x]! * cos[k * N + x]!;
      rows[y * 8 + k] = s;
    }
  }
  const coeffs: number[] = [];
  for (let ky = 0; ky < 8; ky++) {
    for (let kx = 0; kx < 8; kx++) {
      let s = 0;
      for (let y = 0; y < N; y++) s += rows[y * 8 + kx]! * cos[ky * N + y]!;
      coeffs.push(s);
    }
  }
  const ac = coeffs.slice(1);
  const median = [...ac].sort((a, b) => a - b)[Math.floor(ac.length / 2)]!;
  let hex = '';
  for (let i = 0; i < 64; i += 4) {
    let nibble = 0;
    for (let b = 0; b < 4; b++) nibble = (nibble << 1) | (coeffs[i + b]! > median ? 1 : 0);
    hex += nibble.toString(16);
  }
  return hex;
}

export function hammingDistance(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    let x = parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}
