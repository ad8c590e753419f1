import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface ResolvedProgram {
  name: string;
  path: string | null;
  /** Where the path came from, shown in Settings so the user knows what runs. */
  source: 'settings' | 'env' | 'ffmpeg-static' | 'bundled' | 'PATH' | 'missing';
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks a program up on PATH the way a shell would (PATHEXT on Windows). */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (existsSync(candidate) && isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

function fromFfmpegStatic(): string | null {
  try {
    // Optional dependency: its binary download fails on machines without that host.
    const p = createRequire(import.meta.url)('ffmpeg-static') as string | null;
    return p && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

/**
 * ffmpeg and ffprobe: a path from settings, then FFMPEG_PATH / FFPROBE_PATH, then
 * ffmpeg-static (ffmpeg only; it ships no ffprobe), then the system PATH.
 */
export function resolveFfTool(
  tool: 'ffmpeg' | 'ffprobe',
  configured: string | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedProgram {
  if (configured) return { name: tool, path: configured, source: 'settings' };
  const envPath = tool === 'ffmpeg' ? env.FFMPEG_PATH : env.FFPROBE_PATH;
  if (envPath) return { name: tool, path: envPath, source: 'env' };
  if (tool === 'ffmpeg') {
    const s = fromFfmpegStatic();
    if (s) return { name: tool, path: s, source: 'ffmpeg-static' };
  }
  const onPath = which(tool, env);
  return onPath
    ? { name: tool, path: onPath, source: 'PATH' }
    : { name: tool, path: null, source: 'missing' };
}
