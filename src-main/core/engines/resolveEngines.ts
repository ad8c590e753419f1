import { AppError } from '../../contract/errors';
import type { EngineSettings } from '../../contract/engines';
import type { Atelier } from '../app/atelier';
import { readEngineSettings } from './engineSettings';
import { resolveFfTool, type ResolvedProgram } from './ffmpeg';
import { resolveRealEsrgan, type ResolvedRealEsrgan } from './realesrgan';

export interface ResolvedEngines {
  settings: EngineSettings;
  ffmpeg: ResolvedProgram;
  ffprobe: ResolvedProgram;
  realesrgan: ResolvedRealEsrgan;
}

/** Every engine as this library's settings and the environment resolve it right now. */
export async function resolveEngines(core: Atelier): Promise<ResolvedEngines> {
  const settings = await readEngineSettings(core.db);
  return {
    settings,
    ffmpeg: resolveFfTool('ffmpeg', settings.ffmpegPath),
    ffprobe: resolveFfTool('ffprobe', settings.ffprobePath),
    realesrgan: resolveRealEsrgan(settings.realesrganPath, settings.realesrganModelsDir),
  };
}

/** The path of a program, or an engine_missing error that tells the user what to do. */
export function requirePath(p: { path: string | null }, label: string): string {
  if (!p.path) {
    throw new AppError(
      'engine_missing',
      `${label} was not found. Install it, or set its path in Settings → Engines.`,
    );
  }
  return p.path;
}
