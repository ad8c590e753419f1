import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import type { AssetRow, AssetType } from '../db/schema';
import { readEngineSettings } from '../engines/engineSettings';
import { resolveFfTool } from '../engines/ffmpeg';
import { ffmpegProgressParser } from '../engines/progressParsers';
import { requirePath } from '../engines/resolveEngines';
import type { JobContext } from '../jobs/types';

export const assetIdField = { assetId: z.string().trim().min(1).max(64) };

export async function loadSource(
  core: Atelier,
  assetId: string,
  types: AssetType[],
  what: string,
): Promise<AssetRow> {
  const a = await core.db
    .selectFrom('assets')
    .selectAll()
    .where('id', '=', assetId)
    .executeTakeFirst();
  if (!a || a.deleted_at) throw new AppError('not_found', `No asset ${assetId}`);
  if (a.missing) throw new AppError('not_found', `${a.filename} is missing from disk (${a.path})`);
  if (!types.includes(a.type))
    throw new AppError(
      'invalid_input',
      `${what} works on ${types.join(' or ')} files; ${a.filename} is ${a.type}.`,
    );
  return a;
}

export async function assetTitle(core: Atelier, assetId: string): Promise<string> {
  const a = await core.db
    .selectFrom('assets')
    .select('filename')
    .where('id', '=', assetId)
    .executeTakeFirst();
  return a?.filename ?? assetId;
}

export async function ffmpegPath(core: Atelier): Promise<string> {
  const s = await readEngineSettings(core.db);
  return requirePath(resolveFfTool('ffmpeg', s.ffmpegPath), 'ffmpeg');
}

/**
 * Runs ffmpeg with machine-readable progress (`-progress pipe:1`) mapped onto a slice of the
 * job's progress; errors only on stderr unless `loglevel` asks for more (loudnorm's JSON).
 */
export function runFfmpeg(
  ctx: JobContext,
  ffmpeg: string,
  args: string[],
  durationSec: number | null,
  options: {
    range?: [number, number];
    loglevel?: string;
    captureStderr?: boolean;
    label?: string;
  } = {},
) {
  return ctx.spawn(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-nostats',
      '-loglevel',
      options.loglevel ?? 'error',
      '-progress',
      'pipe:1',
      ...args,
    ],
    {
      label: options.label ?? 'ffmpeg',
      parser: ffmpegProgressParser(durationSec),
      progressRange: options.range ?? [0, 0.95],
      captureStderr: options.captureStderr,
    },
  );
}

export function extOf(file: string): string {
  return path.extname(file).slice(1).toLowerCase();
}
