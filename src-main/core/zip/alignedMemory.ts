/**
 * The unit of direct I/O here: offsets, lengths and buffer addresses handed to an O_DIRECT file
 * are multiples of it. 4 KiB covers both 512-byte and 4 KiB logical blocks.
 */
export const PAGE = 4096;

/** Node has WebAssembly; its types live in the DOM library, which main-process code does not load. */
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum?: number }) => { buffer: ArrayBuffer };
};

export const roundUpToPage = (n: number): number => Math.ceil(n / PAGE) * PAGE;
export const roundDownToPage = (n: number): number => Math.floor(n / PAGE) * PAGE;

/**
 * Page-aligned buffers for direct I/O, carved from one WebAssembly.Memory: V8 maps a wasm
 * memory whole with its page allocator, so it starts on a page boundary. A Node Buffer makes no
 * promise about its address (a large one sits 16 bytes into a malloc'd mapping), and O_DIRECT
 * refuses a misaligned address with EINVAL. Sizes are rounded up to whole pages. Where the
 * memory is not aligned after all, the direct file reports EINVAL and its user falls back to
 * the page cache (fileSink.ts, trailVerifier.ts), so this is an optimisation, never a
 * requirement.
 */
export function alignedBuffers(sizes: number[]): Buffer[] {
  const rounded = sizes.map(roundUpToPage);
  const total = rounded.reduce((s, n) => s + n, 0);
  const wasmPage = 64 << 10;
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(total / wasmPage)) });
  let at = 0;
  return rounded.map((n, i) => {
    const b = Buffer.from(memory.buffer, at, sizes[i]);
    at += n;
    return b;
  });
}
