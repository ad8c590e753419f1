import type { ModelKind } from '../../contract/models';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { listEndpoints } from '../engines/endpoints';
import { engineRequest, type EngineTarget } from '../engines/httpClient';
import { factsFromMetadata } from './files/describeModel';
import { recordModelFile, type FoundFile } from './registry';

/** ComfyUI's model folders we list, and the kind each holds. */
const comfyFolders: [folder: string, kind: ModelKind][] = [
  ['checkpoints', 'checkpoint'],
  ['diffusion_models', 'checkpoint'],
  ['loras', 'lora'],
  ['vae', 'vae'],
  ['upscale_models', 'upscaler'],
];

/** LoRA headers asked for per scan (`/view_metadata`): the rest wait for the next one. */
const METADATA_PER_SCAN = 200;

async function listComfy(
  core: Atelier,
  target: EngineTarget,
  endpointId: string,
): Promise<FoundFile[]> {
  const known = new Set(
    (
      statements(core.sqlite).all(
        `SELECT path FROM model_files WHERE location = ? AND kind = 'lora'`,
        [endpointId],
      ) as { path: string }[]
    ).map((r) => r.path),
  );
  const found: FoundFile[] = [];
  let asked = 0;
  for (const [folder, kind] of comfyFolders) {
    const res = await engineRequest(target, `/models/${folder}`, {
      timeoutMs: 10_000,
      acceptStatus: [404],
    });
    if (res.status === 404) continue;
    for (const name of res.json<string[]>()) {
      let facts = null;
      // A LoRA's trigger words and base model are in its header, which ComfyUI serves.
      if (
        kind === 'lora' &&
        !known.has(name) &&
        asked < METADATA_PER_SCAN &&
        /\.safetensors$/i.test(name)
      ) {
        asked++;
        const meta = await engineRequest(
          target,
          `/view_metadata/loras?filename=${encodeURIComponent(name)}`,
          { timeoutMs: 10_000, acceptStatus: [404] },
        ).catch(() => null);
        if (meta && meta.status === 200) {
          try {
            facts = factsFromMetadata(meta.json<Record<string, string>>());
          } catch {}
        }
      }
      found.push({
        location: endpointId,
        path: name,
        changed: true,
        kindHint: kind,
        sizeBytes: null,
        mtimeMs: null,
        facts: facts && { ...facts, kind: facts.kind ?? (kind === 'other' ? null : kind) },
        problem: null,
      });
    }
  }
  return found;
}

async function listSdServer(target: EngineTarget, endpointId: string): Promise<FoundFile[]> {
  const caps = (await engineRequest(target, '/sdcpp/v1/capabilities', { timeoutMs: 10_000 })).json<{
    model?: { name?: string; path?: string };
    loras?: { name: string; path: string }[];
  }>();
  const out: FoundFile[] = [];
  const file = (path: string, kind: ModelKind): FoundFile => ({
    location: endpointId,
    path,
    changed: true,
    kindHint: kind,
    sizeBytes: null,
    mtimeMs: null,
    facts: null,
    problem: null,
  });
  if (caps.model?.name) out.push(file(caps.model.name, 'checkpoint'));
  for (const l of caps.loras ?? []) out.push(file(l.path || l.name, 'lora'));
  return out;
}

/**
 * Asks every enabled ComfyUI server and sd-server which models it has, and records them as
 * files at that server. A server that cannot be asked keeps what the last scan found (it may be
 * off for the night) and is reported.
 */
export async function scanServerModels(
  core: Atelier,
): Promise<{ found: FoundFile[]; problems: { endpointId: string; problem: string }[] }> {
  const found: FoundFile[] = [];
  const problems: { endpointId: string; problem: string }[] = [];
  for (const e of listEndpoints(core)) {
    if (!e.enabled || (e.kind !== 'comfyui' && e.kind !== 'sdserver')) continue;
    const target: EngineTarget = {
      label: `${e.kind === 'comfyui' ? 'ComfyUI' : 'sd-server'} '${e.name}'`,
      url: e.url,
      headers: e.headers,
    };
    let files: FoundFile[];
    try {
      files =
        e.kind === 'comfyui'
          ? await listComfy(core, target, e.id)
          : await listSdServer(target, e.id);
    } catch (err) {
      problems.push({ endpointId: e.id, problem: (err as Error).message });
      continue;
    }
    core.sqlite.transaction(() => {
      for (const f of files) recordModelFile(core, f);
      const seen = new Set(files.map((f) => f.path));
      const before = statements(core.sqlite).all(
        `SELECT path FROM model_files WHERE location = ?`,
        [e.id],
      ) as {
        path: string;
      }[];
      const del = statements(core.sqlite).get(
        `DELETE FROM model_files WHERE location = ? AND path = ?`,
      );
      for (const r of before) if (!seen.has(r.path)) del.run(e.id, r.path);
    })();
    found.push(...files);
  }
  return { found, problems };
}
