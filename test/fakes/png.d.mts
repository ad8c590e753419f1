// Types for png.mjs (kept in JavaScript so the sd-cli.mjs script can use it without a build).
export interface PngChunk {
  type: string;
  data: Buffer;
}
export interface RawImage {
  width: number;
  height: number;
  channels: 3 | 4;
  pixels: Buffer;
}
export function crc32(...bufs: Uint8Array[]): number;
export function readChunks(png: Buffer): PngChunk[];
export function encodeChunk(type: string, data: Buffer): Buffer;
export function writeChunks(chunks: PngChunk[]): Buffer;
export function readText(png: Buffer): Record<string, string>;
export function setText(
  png: Buffer,
  key: string,
  text: string,
  encoding?: 'raw-utf8' | 'pil',
): Buffer;
export function size(png: Buffer): { width: number; height: number };
export function decode(png: Buffer): RawImage;
export function encode(img: RawImage, text?: Record<string, string>): Buffer;
export function resized(png: Buffer, width: number, height: number): Buffer;
