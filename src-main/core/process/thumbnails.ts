import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Atelier } from '../app/atelier';
import type { AssetType } from '../db/schema';
import { runProgram } from '../engines/runProgram';
import { thumbPath } from '../media/resolveMedia';
import { uuidv7 } from '../util/ids';

/** Writes through a temp name beside the target: a crash never leaves half a thumbnail. */
async function atomically(target: string, write: (tmp: string) => Promise<unknown>): Promise<void> {
  mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${uuidv7()}.tmp${path.extname(target)}`;
  try {
    await write(tmp);
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
}

async function imageThumbs(core: Atelier, source: string | Buffer, key: string): Promise<void> {
  for (const [variant, size] of [
    ['thumb', 512],
    ['thumb-small', 256],
  ] as const) {
    const target = thumbPath(core.layout, key, variant);
    if (existsSync(target)) continue;
    await atomically(target, (tmp) =>
      sharp(source, { animated: false })
        .rotate()
        .resize(size, size, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 82 })
        .toFile(tmp),
    );
  }
}

/**
 * Content-addressed thumbnails (thumbs/<sha[0:2]>/<sha>_…) for a file: image → WebP 512/256,
 * video → a poster frame plus WebP thumbs from it, audio → a waveform picture.
 */
export async function makeThumbnails(
  core: Atelier,
  file: string,
  type: AssetType,
  key: string,
  ffmpeg: string | null,
  durationSec: number | null,
  signal?: AbortSignal,
): Promise<void> {
  if (type === 'image') return imageThumbs(core, file, key);
  if (!ffmpeg) return;
  if (type === 'video') {
    const poster = thumbPath(core.layout, key, 'poster');
    if (!existsSync(poster)) {
      const at = durationSec && durationSec > 2 ? 1 : 0;
      await atomically(poster, (tmp) =>
        runProgram(
          ffmpeg,
          [
            '-hide_banner',
            '-nostdin',
            '-loglevel',
            'error',
            '-ss',
            String(at),
            '-i',
            file,
            '-frames:v',
            '1',
            '-vf',
            'scale=960:-2',
            '-y',
            tmp,
          ],
          { label: 'ffmpeg (poster frame)', signal },
        ),
      );
    }
    return imageThumbs(core, poster, key);
  }
  const wave = thumbPath(core.layout, key, 'waveform');
  if (existsSync(wave)) return;
  await atomically(wave, (tmp) =>
    runProgram(
      ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-i',
        file,
        '-filter_complex',
        'showwavespic=s=1280x240:split_channels=1',
        '-frames:v',
        '1',
        '-y',
        tmp,
      ],
      { label: 'ffmpeg (waveform)', signal },
    ),
  );
}
