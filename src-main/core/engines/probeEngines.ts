import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { EngineInfo, EnginesStatus, VulkanInfo } from '../../contract/engines';
import type { Atelier } from '../app/atelier';
import { listEndpoints, publicEndpoint } from './endpoints';
import { healthOf } from './healthStore';
import { listModels } from './realesrgan';
import { resolveSdCpp } from './sdcpp';
import { resolveKohya } from './kohya';
import { resolveEngines } from './resolveEngines';
import { runProgram } from './runProgram';

const versionCache = new Map<string, string | null>();
const vulkanCache = new Map<string, VulkanInfo>();

async function ffVersion(file: string): Promise<string | null> {
  const r = await runProgram(file, ['-hide_banner', '-version'], {
    label: path.basename(file),
    timeoutMs: 10_000,
    captureStdout: 'text',
    allowFailure: true,
  });
  if (r.exitCode !== 0) return null;
  const first = String(r.stdout).split('\n')[0] ?? '';
  return /version\s+(\S+)/.exec(first)?.[1] ?? (first || null);
}

/** Vulkan drivers that run on the CPU: they work, at a small fraction of a GPU's speed. */
const softwareDevice = /llvmpipe|lavapipe|swiftshader|softpipe/i;

/**
 * What Real-ESRGAN's start-up says about Vulkan: its `[N name] …` device lines (also what
 * vulkaninfo's `deviceName` lines name, in the same words), whether all of them are drivers
 * that run on the CPU, and what that means. Pure, so recorded outputs test it.
 */
export function vulkanFromProbe(text: string, started = true): VulkanInfo {
  const devices = [
    ...new Set(
      [
        ...[...text.matchAll(/^\[(\d+) ([^\]]+)\]/gm)].map((m) => `${m[1]}: ${m[2]}`),
        ...[...text.matchAll(/^\s*GPU(\d+):?[\s\S]*?deviceName\s*=\s*(.+)$/gm)].map(
          (m) => `${m[1]}: ${m[2]!.trim()}`,
        ),
      ].map((d) => d.trim()),
    ),
  ];
  if (!devices.length)
    return {
      found: false,
      devices: [],
      software: false,
      note: null,
      problem: !started
        ? 'Real-ESRGAN could not be started.'
        : `No Vulkan device was found${/vkCreateInstance|invalid gpu/i.test(text) ? ` (${text.trim().split('\n').slice(-1)[0]})` : ''}. Install a GPU driver, or Mesa's lavapipe (mesa-vulkan-drivers) to run on the CPU.`,
    };
  const software = devices.every((d) => softwareDevice.test(d));
  const name = /llvmpipe|lavapipe/i.test(devices[0]!)
    ? 'llvmpipe (lavapipe)'
    : /swiftshader/i.test(devices[0]!)
      ? 'SwiftShader'
      : 'a software renderer';
  return {
    found: true,
    devices,
    problem: null,
    software,
    note: software
      ? `No GPU: Vulkan runs on the CPU through ${name}. AI upscaling works but is slow (minutes for a small image with the quality model); the fast model is several times quicker, and a lanczos resize is instant.`
      : null,
  };
}

/**
 * Whether Real-ESRGAN finds a Vulkan device. The ncnn binary prints one `[N name] …` line per
 * device while it starts; asking it for a missing input makes it start, list and stop in well
 * under a second without doing any work.
 */
export async function probeVulkan(
  bin: string,
  modelsDir: string | null,
  refresh = false,
): Promise<VulkanInfo> {
  const cached = vulkanCache.get(bin);
  if (cached && !refresh) return cached;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-vk-'));
  try {
    let text = '';
    let started = true;
    try {
      const r = await runProgram(
        bin,
        [
          '-i',
          path.join(dir, 'none.png'),
          '-o',
          path.join(dir, 'out.png'),
          '-n',
          'realesrgan-x4fast',
          ...(modelsDir ? ['-m', modelsDir] : []),
        ],
        {
          label: 'Real-ESRGAN',
          timeoutMs: 30_000,
          captureStdout: 'text',
          captureStderr: true,
          allowFailure: true,
        },
      );
      text = `${r.stdout}\n${r.stderr}`;
    } catch (err) {
      started = !(err instanceof AppError && err.code === 'engine_missing');
      text = err instanceof Error ? err.message : String(err);
    }
    const info = vulkanFromProbe(text, started);
    vulkanCache.set(bin, info);
    return info;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function cachedVersion(file: string, refresh: boolean): Promise<string | null> {
  if (!refresh && versionCache.has(file)) return versionCache.get(file) ?? null;
  const v = await ffVersion(file).catch(() => null);
  versionCache.set(file, v);
  return v;
}

/** What the Settings page shows: each engine's path, its origin, version and usability. */
export async function enginesStatus(core: Atelier, refresh: boolean): Promise<EnginesStatus> {
  const r = await resolveEngines(core);
  const engines: EngineInfo[] = [];
  for (const [id, label, p] of [
    ['ffmpeg', 'ffmpeg', r.ffmpeg],
    ['ffprobe', 'ffprobe', r.ffprobe],
  ] as const) {
    const exists = !!p.path && existsSync(p.path);
    const version = exists ? await cachedVersion(p.path!, refresh) : null;
    engines.push({
      id,
      label,
      pools: ['cpu'],
      path: p.path,
      source: p.source,
      version,
      ok: exists && version !== null,
      problem: !p.path
        ? `${label} was not found: install it or set its path.`
        : !exists
          ? `No file at ${p.path}.`
          : version === null
            ? `${p.path} did not run as ${label}.`
            : null,
    });
  }
  const models = listModels(r.realesrgan.modelsDir);
  const esrganExists = !!r.realesrgan.path && existsSync(r.realesrgan.path);
  const vulkan: VulkanInfo = esrganExists
    ? await probeVulkan(r.realesrgan.path!, r.realesrgan.modelsDir, refresh)
    : {
        found: false,
        devices: [],
        software: false,
        note: null,
        problem: 'Real-ESRGAN is not available, so no Vulkan device was looked for.',
      };
  engines.push({
    id: 'realesrgan',
    pools: ['gpu'],
    label: 'Real-ESRGAN (ncnn-vulkan)',
    path: r.realesrgan.path,
    source: r.realesrgan.source,
    version: esrganExists
      ? r.realesrgan.source === 'bundled'
        ? 'upscayl-bin'
        : path.basename(r.realesrgan.path!)
      : null,
    ok: esrganExists && models.length > 0,
    problem: !r.realesrgan.path
      ? 'Real-ESRGAN was not found: set the path of realesrgan-ncnn-vulkan.'
      : !esrganExists
        ? `No file at ${r.realesrgan.path}.`
        : models.length === 0
          ? `No models (NAME.param + NAME.bin) in ${r.realesrgan.modelsDir ?? 'the models folder'}.`
          : null,
  });
  const sd = resolveSdCpp(r.settings.sdcppPath);
  const sdExists = !!sd.path && existsSync(sd.path);
  engines.push({
    id: 'sdcpp',
    pools: ['gpu'],
    label: 'stable-diffusion.cpp (sd-cli)',
    path: sd.path,
    source: sd.source,
    version: sdExists ? path.basename(sd.path!) : null,
    ok: sdExists,
    problem: !sd.path
      ? 'sd-cli was not found: set its path, set ATELIER_SDCPP_BIN, or put it on PATH (optional: only for generating on this computer).'
      : !sdExists
        ? `No file at ${sd.path}.`
        : null,
  });
  const kohya = resolveKohya(r.settings);
  engines.push({
    id: 'kohya',
    pools: ['gpu'],
    label: 'kohya sd-scripts (LoRA training)',
    path: kohya.dir,
    source: kohya.source,
    version: kohya.python ? `python: ${kohya.python}` : null,
    ok: !kohya.problem,
    problem: kohya.problem,
  });
  return {
    engines,
    endpoints: listEndpoints(core).map((e) => ({
      ...publicEndpoint(e),
      health: healthOf(core, e.id),
    })),
    realesrganModelsDir: r.realesrgan.modelsDir,
    realesrganModels: models,
    vulkan,
    settings: r.settings,
  };
}
