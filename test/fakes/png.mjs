// PNG plumbing shared by the engine fakes (sd-cli.mjs runs as a plain Node script, so this stays
// JavaScript; png.d.mts types it for the TypeScript fakes). The fakes hand out the images the real
// engines wrote in the recordings; what they change is what the real engine would have changed:
// the text chunk describing the run (`parameters` for sd.cpp, `prompt` for ComfyUI) and, when a
// run asks for another size, the pixel dimensions.
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// zlib.crc32 only arrived in Node 22; the app's floor is Node 20.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as PNG and zip use it) of one or more buffers taken as one. */
export function crc32(...bufs) {
  let c = 0xffffffff;
  for (const buf of bufs) for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The chunks of a PNG in file order, each `{ type, data }`. Throws on a bad signature or CRC. */
export function readChunks(png) {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  const chunks = [];
  for (let p = 8; p < png.length; ) {
    const len = png.readUInt32BE(p);
    const type = png.toString('latin1', p + 4, p + 8);
    const data = png.subarray(p + 8, p + 8 + len);
    if (png.readUInt32BE(p + 8 + len) !== crc32(png.subarray(p + 4, p + 8), data)) {
      throw new Error(`bad CRC in ${type} chunk`);
    }
    chunks.push({ type, data });
    p += 12 + len;
  }
  return chunks;
}

/** One chunk's bytes: length, type, data, CRC over type and data. */
export function encodeChunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(head.subarray(4), data), 0);
  return Buffer.concat([head, data, crc]);
}

export function writeChunks(chunks) {
  return Buffer.concat([SIGNATURE, ...chunks.map((c) => encodeChunk(c.type, c.data))]);
}

/** The text chunks (tEXt, and uncompressed iTXt) of a PNG as a key → text map. */
export function readText(png) {
  const out = {};
  for (const { type, data } of readChunks(png)) {
    if (type === 'tEXt') {
      const nul = data.indexOf(0);
      out[data.toString('latin1', 0, nul)] = data.toString('latin1', nul + 1);
    } else if (type === 'iTXt') {
      const nul = data.indexOf(0);
      const key = data.toString('latin1', 0, nul);
      const compressed = data[nul + 1] === 1;
      let p = data.indexOf(0, nul + 3); // language tag
      p = data.indexOf(0, p + 1); // translated keyword
      const body = data.subarray(p + 1);
      out[key] = (compressed ? zlib.inflateSync(body) : body).toString('utf8');
    }
  }
  return out;
}

/**
 * Replaces (or adds, right after IHDR where both engines put it) the text chunk `key`.
 * `encoding` says how the engine writes text: 'raw-utf8' = stb_image_write (sd.cpp) copies the
 * UTF-8 bytes into a tEXt chunk whatever they are; 'pil' = Pillow (ComfyUI) writes tEXt when the
 * text is Latin-1 and an uncompressed iTXt otherwise.
 */
export function setText(png, key, text, encoding = 'raw-utf8') {
  let data;
  let type = 'tEXt';
  // eslint-disable-next-line no-control-regex
  if (encoding === 'pil' && !/^[\u0000-\u00ff]*$/.test(text)) {
    type = 'iTXt';
    data = Buffer.concat([
      Buffer.from(key, 'latin1'),
      Buffer.from([0, 0, 0, 0, 0]),
      Buffer.from(text, 'utf8'),
    ]);
  } else {
    const body = encoding === 'pil' ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
    data = Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0]), body]);
  }
  const chunks = readChunks(png).filter(
    (c) =>
      !(
        (c.type === 'tEXt' || c.type === 'iTXt') &&
        c.data.toString('latin1', 0, c.data.indexOf(0)) === key
      ),
  );
  const at = chunks.findIndex((c) => c.type === 'IHDR') + 1;
  chunks.splice(at, 0, { type, data });
  return writeChunks(chunks);
}

/** Width and height from IHDR. */
export function size(png) {
  const ihdr = readChunks(png).find((c) => c.type === 'IHDR');
  return { width: ihdr.data.readUInt32BE(0), height: ihdr.data.readUInt32BE(4) };
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what both engines write) to raw pixels. */
export function decode(png) {
  const chunks = readChunks(png);
  const ihdr = chunks.find((c) => c.type === 'IHDR').data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const depth = ihdr[8];
  const colorType = ihdr[9];
  if (depth !== 8 || (colorType !== 2 && colorType !== 6) || ihdr[12] !== 0) {
    throw new Error('only 8-bit non-interlaced RGB/RGBA PNGs are supported');
  }
  const channels = colorType === 6 ? 4 : 3;
  const raw = zlib.inflateSync(
    Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)),
  );
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[x - channels] : 0;
      const b = prev[x];
      const c = x >= channels ? prev[x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[x] = v & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** Encodes raw 8-bit pixels as a PNG (filter 0 on every line), with optional text chunks. */
export function encode({ width, height, channels, pixels }, text = {}) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 4 ? 6 : 2;
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++)
    pixels.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  const chunks = [{ type: 'IHDR', data: ihdr }];
  for (const [k, v] of Object.entries(text)) {
    chunks.push({
      type: 'tEXt',
      data: Buffer.concat([Buffer.from(k, 'latin1'), Buffer.from([0]), Buffer.from(v, 'utf8')]),
    });
  }
  chunks.push(
    { type: 'IDAT', data: zlib.deflateSync(raw) },
    { type: 'IEND', data: Buffer.alloc(0) },
  );
  return writeChunks(chunks);
}

/**
 * The recorded image at another size (nearest neighbour), keeping its text chunks; the recorded
 * bytes themselves when the size already matches, so a replay of the recorded run stays exact.
 */
export function resized(png, width, height) {
  const img = decode(png);
  if (img.width === width && img.height === height) return png;
  const pixels = Buffer.alloc(width * height * img.channels);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor((y * img.height) / height);
    for (let x = 0; x < width; x++) {
      const sx = Math.floor((x * img.width) / width);
      img.pixels.copy(
        pixels,
        (y * width + x) * img.channels,
        (sy * img.width + sx) * img.channels,
        (sy * img.width + sx + 1) * img.channels,
      );
    }
  }
  const text = readText(png);
  return encode({ width, height, channels: img.channels, pixels }, text);
}
