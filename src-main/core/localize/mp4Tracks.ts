import { open } from 'node:fs/promises';

/**
 * ffmpeg's MP4 muxer turns on the first track of every kind when none is marked default, so a
 * soft subtitle track would show by default. Subtitles are a viewer's choice: this clears the
 * "enabled" flag of every subtitle track's header (tkhd) in place — the same bytes otherwise,
 * no remux. Reads only the moov box.
 */
export async function disableMp4SubtitleTracks(file: string): Promise<number> {
  const fh = await open(file, 'r+');
  try {
    const { size } = await fh.stat();
    const read = async (at: number, n: number) => {
      const b = Buffer.alloc(n);
      await fh.read(b, 0, n, at);
      return b;
    };
    const boxes = async function* (start: number, end: number) {
      let at = start;
      while (at + 8 <= end) {
        const h = await read(at, 16);
        let len = h.readUInt32BE(0);
        const type = h.toString('latin1', 4, 8);
        let header = 8;
        if (len === 1) {
          len = Number(h.readBigUInt64BE(8));
          header = 16;
        } else if (len === 0) len = end - at;
        if (len < header) return;
        yield { type, at, body: at + header, end: at + len };
        at += len;
      }
    };
    let changed = 0;
    for await (const top of boxes(0, size)) {
      if (top.type !== 'moov') continue;
      for await (const trak of boxes(top.body, top.end)) {
        if (trak.type !== 'trak') continue;
        let tkhdFlagsAt = -1;
        let handler = '';
        for await (const b of boxes(trak.body, trak.end)) {
          if (b.type === 'tkhd') tkhdFlagsAt = b.body;
          if (b.type === 'mdia')
            for await (const m of boxes(b.body, b.end))
              if (m.type === 'hdlr') handler = (await read(m.body + 8, 4)).toString('latin1');
        }
        if (tkhdFlagsAt < 0 || (handler !== 'sbtl' && handler !== 'text' && handler !== 'subt'))
          continue;
        const vf = await read(tkhdFlagsAt, 4);
        if (vf[3]! & 0x1) {
          vf[3] = vf[3]! & ~0x1;
          await fh.write(vf, 0, 4, tkhdFlagsAt);
          changed++;
        }
      }
    }
    return changed;
  } finally {
    await fh.close();
  }
}
