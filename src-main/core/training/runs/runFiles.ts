import { readdir, readFile, stat, open } from 'node:fs/promises';
import path from 'node:path';

/**
 * The files a kohya run leaves in its output folder, and what their names mean:
 * `NAME-step00000100.safetensors` (a step save), `NAME-000002.safetensors` (an epoch save),
 * `NAME.safetensors` (the last), state folders `NAME-step%08d-state` / `NAME-%06d-state` /
 * `NAME-state` holding `train_state.json`, and `sample/NAME_000100_00_YYYYMMDDhhmmss_SEED.png`
 * (or `NAME_e000002_…` for epoch samples).
 */
export interface LoraFile {
  path: string;
  step: number | null;
  epoch: number | null;
  final: boolean;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function parseLoraName(file: string, name: string): Omit<LoraFile, 'path'> | null {
  const base = path.basename(file);
  if (base === `${name}.safetensors`) return { step: null, epoch: null, final: true };
  const m = new RegExp(`^${escape(name)}-(?:step(\\d{8})|(\\d{6}))\\.safetensors$`).exec(base);
  if (!m) return null;
  return {
    step: m[1] ? Number(m[1]) : null,
    epoch: m[2] ? Number(m[2]) : null,
    final: false,
  };
}

export interface SampleFile {
  path: string;
  step: number | null;
  epoch: number | null;
  prompt: number;
  seed: string;
}

export function parseSampleName(file: string, name: string): Omit<SampleFile, 'path'> | null {
  const m = new RegExp(`^${escape(name)}_(e?)(\\d{6})_(\\d{2})_(\\d{14})_(\\d+)\\.png$`).exec(
    path.basename(file),
  );
  if (!m) return null;
  return {
    step: m[1] ? null : Number(m[2]),
    epoch: m[1] ? Number(m[2]) : null,
    prompt: Number(m[3]),
    seed: m[5]!,
  };
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** Files whose size has not changed for `settleMs` (a save in progress is not taken half-written). */
async function settled(file: string, settleMs: number): Promise<boolean> {
  try {
    const s = await stat(file);
    return s.size > 0 && Date.now() - s.mtimeMs >= settleMs;
  } catch {
    return false;
  }
}

export async function listLoras(outDir: string, name: string, settleMs = 0): Promise<LoraFile[]> {
  const out: LoraFile[] = [];
  for (const f of await list(outDir)) {
    const p = parseLoraName(f, name);
    const full = path.join(outDir, f);
    if (p && (await validSafetensors(full)) && (await settled(full, settleMs)))
      out.push({ path: full, ...p });
  }
  return out;
}

export async function listSamples(
  outDir: string,
  name: string,
  settleMs = 0,
): Promise<SampleFile[]> {
  const dir = path.join(outDir, 'sample');
  const out: SampleFile[] = [];
  for (const f of await list(dir)) {
    const p = parseSampleName(f, name);
    const full = path.join(dir, f);
    if (p && (await settled(full, settleMs))) out.push({ path: full, ...p });
  }
  return out;
}

/** A safetensors file whose header parses and whose tensors fit in it: not cut off mid-save. */
export async function validSafetensors(file: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(file, 'r');
    const { size } = await fh.stat();
    if (size < 8) return false;
    const head = Buffer.alloc(8);
    await fh.read(head, 0, 8, 0);
    const n = Number(head.readBigUInt64LE(0));
    if (n <= 0 || 8 + n > size || n > 100_000_000) return false;
    const json = Buffer.alloc(n);
    await fh.read(json, 0, n, 8);
    const header = JSON.parse(json.toString('utf8')) as Record<string, { data_offsets?: number[] }>;
    let end = 0;
    for (const [k, v] of Object.entries(header))
      if (k !== '__metadata__' && v.data_offsets) end = Math.max(end, v.data_offsets[1] ?? 0);
    return 8 + n + end <= size;
  } catch {
    return false;
  } finally {
    await fh?.close();
  }
}

export interface SavedState {
  dir: string;
  step: number;
  epoch: number;
}

/**
 * The newest complete training state to resume from: its `train_state.json` reads, and the
 * files accelerate writes are all there and not empty (a state cut off by a full disk or a kill
 * is passed over for the one before it).
 */
export async function latestState(outDir: string, name: string): Promise<SavedState | null> {
  const re = new RegExp(`^${escape(name)}(?:-step\\d{8}|-\\d{6})?-state$`);
  let best: SavedState | null = null;
  for (const f of await list(outDir)) {
    if (!re.test(f)) continue;
    const dir = path.join(outDir, f);
    try {
      const st = JSON.parse(await readFile(path.join(dir, 'train_state.json'), 'utf8')) as {
        current_step?: number;
        current_epoch?: number;
      };
      if (typeof st.current_step !== 'number') continue;
      const files = await readdir(dir);
      if (!files.some((x) => /^model(\.safetensors|\.bin)?$|^pytorch_model/.test(x))) continue;
      const model = files.find((x) => x.startsWith('model') || x.startsWith('pytorch_model'))!;
      if (model.endsWith('.safetensors') && !(await validSafetensors(path.join(dir, model))))
        continue;
      let complete = true;
      for (const x of files) if ((await stat(path.join(dir, x))).size === 0) complete = false;
      if (!files.some((x) => x.startsWith('optimizer'))) complete = false;
      if (!complete) continue;
      if (!best || st.current_step > best.step)
        best = { dir, step: st.current_step, epoch: st.current_epoch ?? 0 };
    } catch {
      continue;
    }
  }
  return best;
}
