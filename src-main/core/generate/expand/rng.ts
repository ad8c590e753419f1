/**
 * Seeded randomness for the expander: a 32-bit mixer to derive stream seeds, and sfc32 (Chris
 * Doty-Humphrey's Small Fast Counting generator) for the streams. Nothing here reads the clock or
 * Math.random: the same words always give the same numbers.
 */

const TWO32 = 4294967296;
const TWO53 = 9007199254740992;

/** murmur3's finaliser: a bijection on 32-bit words that spreads every input bit. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** An order-sensitive hash of 32-bit words. */
export function hashWords(words: readonly number[], salt = 0): number {
  let h = mix32(0x9e3779b9 ^ salt);
  for (const w of words) h = mix32((h ^ (w >>> 0)) + 0x7f4a7c15);
  return h;
}

/** Any finite number as two 32-bit words (the integer part, with its sign). */
export function numberWords(n: number): [number, number] {
  const t = Number.isFinite(n) ? Math.trunc(n) : 0;
  const a = Math.abs(t);
  const lo = (a % TWO32) >>> 0;
  const hi = (Math.floor(a / TWO32) % TWO32) >>> 0;
  return [lo, (t < 0 ? hi ^ 0x80000000 : hi) >>> 0];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(words: readonly number[]) {
    this.a = hashWords(words, 1);
    this.b = hashWords(words, 2);
    this.c = hashWords(words, 3);
    this.d = hashWords(words, 4);
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** [0, 1). */
  next(): number {
    return this.u32() / TWO32;
  }

  /** An integer in [0, n) for 1 ≤ n ≤ 2^53. */
  int(n: number): number {
    if (n <= TWO32) return Math.floor(this.next() * n);
    const x = (this.u32() >>> 5) * 67108864 + (this.u32() >>> 6);
    return Math.min(n - 1, Math.floor((x / TWO53) * n));
  }

  /** k distinct integers from [0, n), ascending (Floyd's algorithm: O(k)). */
  distinct(n: number, k: number): number[] {
    const chosen = new Set<number>();
    for (let j = n - Math.min(k, n); j < n; j++) {
      const t = this.int(j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    return [...chosen].sort((x, y) => x - y);
  }
}
