import { which, type ResolvedProgram } from './ffmpeg';

/**
 * stable-diffusion.cpp's CLI: Settings → Engines, then `ATELIER_SDCPP_BIN`, then `sd-cli` on
 * PATH (renamed from `sd` in December 2025; the older name is still looked for). Never bundled:
 * the creator builds or downloads the one that suits their GPU (CUDA, Vulkan, Metal, CPU).
 */
export function resolveSdCpp(
  setting: string | null,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedProgram {
  if (setting) return { name: 'sd-cli', path: setting, source: 'settings' };
  const fromEnv = env.ATELIER_SDCPP_BIN?.trim();
  if (fromEnv) return { name: 'sd-cli', path: fromEnv, source: 'env' };
  const onPath = which('sd-cli', env) ?? which('sd', env);
  return onPath
    ? { name: 'sd-cli', path: onPath, source: 'PATH' }
    : { name: 'sd-cli', path: null, source: 'missing' };
}
