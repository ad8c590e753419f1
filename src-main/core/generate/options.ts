import { statSync } from 'node:fs';
import type { GenerateOptions } from '../../contract/generate';
import type { Atelier } from '../app/atelier';
import { listEndpoints } from '../engines/endpoints';
import { readEngineSettings } from '../engines/engineSettings';
import { engineRequest } from '../engines/httpClient';
import { runProgram } from '../engines/runProgram';
import { resolveSdCpp } from '../engines/sdcpp';
import { engineChoices } from './engineChoice';

const size = (width: number, height: number) => ({
  label: `${width}×${height}${width === height ? ' square' : width > height ? ' landscape' : ' portrait'}`,
  width,
  height,
});

/** The sizes each family was trained at: other sizes work but repeat limbs and heads. */
export const familySizes: GenerateOptions['sizes'] = {
  sd15: [size(512, 512), size(512, 768), size(768, 512), size(640, 640)],
  sd2: [size(768, 768), size(512, 512), size(768, 1024), size(1024, 768)],
  sdxl: [
    size(1024, 1024),
    size(832, 1216),
    size(1216, 832),
    size(896, 1152),
    size(1152, 896),
    size(768, 1344),
    size(1344, 768),
  ],
  sd3: [size(1024, 1024), size(832, 1216), size(1216, 832), size(768, 1344), size(1344, 768)],
  flux: [
    size(1024, 1024),
    size(832, 1216),
    size(1216, 832),
    size(768, 1344),
    size(1344, 768),
    size(1024, 1536),
  ],
  wan: [size(832, 480), size(480, 832), size(1280, 720), size(720, 1280)],
  unknown: [size(512, 512), size(768, 768), size(1024, 1024)],
};

/** The names `sd-cli -h` listed when this was written: used only when no engine can be asked. */
const sdCppSamplers = [
  'euler',
  'euler_a',
  'heun',
  'dpm2',
  'dpm++2s_a',
  'dpm++2m',
  'dpm++2mv2',
  'ipndm',
  'ipndm_v',
  'lcm',
  'ddim_trailing',
  'tcd',
];
const sdCppSchedulers = [
  'discrete',
  'karras',
  'exponential',
  'ays',
  'gits',
  'sgm_uniform',
  'simple',
];

/** `--sampling-method {euler, euler_a, …}` → the names, from an sd-cli help text. */
export function parseSdCppHelp(help: string): { samplers: string[]; schedulers: string[] } {
  const listAfter = (flag: RegExp): string[] => {
    const lines = help.split(/\r?\n/);
    const i = lines.findIndex((l) => flag.test(l));
    if (i < 0) return [];
    // The list may wrap onto the next lines; it sits in [..] or {..} or after "one of".
    const text = lines.slice(i, i + 4).join(' ');
    const m = /[[{]([^\]}]+)[\]}]/.exec(text.slice(text.search(flag)));
    return m
      ? m[1]!
          .split(/[,|]/)
          .map((s) => s.trim())
          .filter((s) => /^[\w+.-]+$/.test(s))
      : [];
  };
  return { samplers: listAfter(/--sampling-method/), schedulers: listAfter(/--scheduler/) };
}

const cache = new WeakMap<Atelier, { at: number; value: GenerateOptions }>();

async function sdCppNames(
  bin: string,
): Promise<{ samplers: string[]; schedulers: string[] } | null> {
  try {
    statSync(bin);
    const r = await runProgram(bin, ['-h'], {
      label: 'sd-cli',
      captureStdout: 'text',
      allowFailure: true,
      timeoutMs: 10_000,
    });
    const names = parseSdCppHelp(`${r.stdout}\n${r.stderr}`);
    return names.samplers.length ? names : null;
  } catch {
    return null;
  }
}

/**
 * What the generate form offers: the engines and whether each can run, and the sampler and
 * scheduler names the engines themselves report (sd-cli's help, sd-server's capabilities,
 * ComfyUI's KSampler). Cached for a minute: the form asks on every visit.
 */
export async function generateOptions(core: Atelier, refresh: boolean): Promise<GenerateOptions> {
  const hit = cache.get(core);
  if (hit && !refresh && Date.now() - hit.at < 60_000) return hit.value;
  const engines = await engineChoices(core);
  const samplers = new Set<string>();
  const schedulers = new Set<string>();
  const settings = await readEngineSettings(core.db);
  const sd = resolveSdCpp(settings.sdcppPath);
  if (sd.path) {
    const names = await sdCppNames(sd.path);
    for (const s of names?.samplers ?? []) samplers.add(s);
    for (const s of names?.schedulers ?? []) schedulers.add(s);
  }
  for (const e of listEndpoints(core)) {
    if (!e.enabled) continue;
    const target = { label: e.name, url: e.url, headers: e.headers };
    try {
      if (e.kind === 'sdserver') {
        const caps = (
          await engineRequest(target, '/sdcpp/v1/capabilities', { timeoutMs: 5000, attempts: 1 })
        ).json<{
          samplers?: string[];
          schedulers?: string[];
        }>();
        for (const s of caps.samplers ?? []) samplers.add(s);
        for (const s of caps.schedulers ?? []) schedulers.add(s);
      } else if (e.kind === 'comfyui') {
        const info = (
          await engineRequest(target, '/object_info/KSampler', { timeoutMs: 5000, attempts: 1 })
        ).json<Record<string, { input?: { required?: Record<string, unknown[]> } }>>();
        const req = info.KSampler?.input?.required ?? {};
        for (const [key, set] of [
          ['sampler_name', samplers],
          ['scheduler', schedulers],
        ] as const) {
          const combo = req[key];
          const list = Array.isArray(combo?.[0])
            ? (combo[0] as string[])
            : ((combo?.[1] as { options?: string[] })?.options ?? []);
          for (const s of list) set.add(s);
        }
      }
    } catch {
      // An offline server offers nothing now; the engine list already says it is offline.
    }
  }
  if (!samplers.size) sdCppSamplers.forEach((s) => samplers.add(s));
  if (!schedulers.size) sdCppSchedulers.forEach((s) => schedulers.add(s));
  const value: GenerateOptions = {
    engines,
    samplers: [...samplers],
    schedulers: [...schedulers],
    sizes: familySizes,
  };
  cache.set(core, { at: Date.now(), value });
  return value;
}
