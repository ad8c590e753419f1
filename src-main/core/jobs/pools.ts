import os from 'node:os';
import type { EndpointKind } from '../../contract/engines';
import type { LocalPool } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import { readEngineSettings } from '../engines/engineSettings';
import { endpointKindLabels, endpointPoolId, listEndpoints } from '../engines/endpoints';

/**
 * Pools: named sets of slots a job leases. This computer gives three (its CPU, its GPU, its disk
 * and network); every enabled engine server in Settings → Engines is one more, of its kind
 * ("comfyui", "sdserver", "llm"), with as many slots as it takes jobs at once.
 */

export interface LeaseEndpoint {
  id: string;
  kind: EndpointKind;
  name: string;
  url: string;
  /** Credentials for a proxy in front of it; never logged. */
  headers: Record<string, string>;
}

export interface PoolDef {
  id: string;
  kind: string;
  label: string;
  slots: number;
  endpoint: LeaseEndpoint | null;
}

/** What a running job holds: the pool and, for a server, where to send its requests. */
export interface Lease {
  poolId: string;
  poolKind: string;
  label: string;
  endpoint: LeaseEndpoint | null;
}

export const localPools: readonly LocalPool[] = ['gpu', 'cpu', 'io'];

/**
 * What a slot of a pool kind spends, for the usage ledger and GPU quotas: this computer's GPU
 * and every engine server (generation and LLM servers run on GPUs) count as GPU time, the CPU
 * pool as CPU time; disk and network work is neither.
 */
export function resourceOf(poolKind: string): 'gpu' | 'cpu' | null {
  if (poolKind === 'cpu') return 'cpu';
  if (poolKind === 'io') return null;
  return 'gpu';
}

/** Whether a job that may run on these pool kinds spends GPU time (and so counts to quotas). */
export function usesGpu(poolKinds: readonly string[]): boolean {
  return poolKinds.some((k) => resourceOf(k) === 'gpu');
}

export const localPoolLabels: Record<LocalPool, string> = {
  gpu: "this computer's GPU",
  cpu: "this computer's CPU",
  io: "this computer's disk",
};

/** gpu: one at a time (VRAM); cpu: all cores but one, so the UI keeps one; io: two. */
export function localSlots(
  concurrency: Partial<Record<LocalPool, number>> | null,
): Record<LocalPool, number> {
  const cores =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return {
    gpu: concurrency?.gpu ?? 1,
    cpu: concurrency?.cpu ?? Math.max(1, cores - 1),
    io: concurrency?.io ?? 2,
  };
}

export async function loadPools(core: Atelier): Promise<PoolDef[]> {
  const settings = await readEngineSettings(core.db);
  const slots = localSlots(settings.concurrency);
  const pools: PoolDef[] = localPools.map((kind) => ({
    id: kind,
    kind,
    label: localPoolLabels[kind],
    slots: slots[kind],
    endpoint: null,
  }));
  for (const e of listEndpoints(core)) {
    if (!e.enabled) continue;
    pools.push({
      id: endpointPoolId(e.id),
      kind: e.kind,
      label: `${endpointKindLabels[e.kind]} '${e.name}'`,
      slots: e.slots,
      endpoint: { id: e.id, kind: e.kind, name: e.name, url: e.url, headers: e.headers },
    });
  }
  return pools;
}

/** The key a job is queued under: the pool kinds it takes, or "@" + the one pool it is pinned to. */
export function poolKey(kinds: readonly string[], pinnedPool?: string | null): string {
  return pinnedPool ? `@${pinnedPool}` : kinds.join('|');
}

export function kindsOfKey(key: string): string[] {
  return key.startsWith('@') ? [] : key.split('|').filter(Boolean);
}

const kindNames: Record<string, string> = {
  gpu: 'a GPU',
  cpu: 'the CPU',
  io: 'the disk',
  comfyui: 'a ComfyUI server',
  sdserver: 'an sd-server',
  llm: 'an LLM server',
};

/**
 * Why a job under `key` cannot start now, or null when some pool that takes it is online:
 * "Waiting for ComfyUI 'studio-pc' (offline: …)" or "Waiting for a ComfyUI server: add one…".
 */
export function waitingReason(
  key: string,
  pools: readonly { def: PoolDef; online: boolean; problem: string | null }[],
): string | null {
  const takers = key.startsWith('@')
    ? pools.filter((p) => p.def.id === key.slice(1))
    : pools.filter((p) => kindsOfKey(key).includes(p.def.kind));
  if (takers.some((p) => p.online)) return null;
  if (takers.length === 0) {
    if (key.startsWith('@'))
      return 'Waiting for an engine server that was removed or disabled: retry it on another one';
    const wanted = kindsOfKey(key).map((k) => kindNames[k] ?? k);
    return `Waiting for ${wanted.join(' or ')}: add one in Settings → Engines`;
  }
  const first = takers[0]!;
  const others = takers.length > 1 ? ` and ${takers.length - 1} other server(s)` : '';
  return `Waiting for ${first.def.label}${others} (offline${first.problem ? `: ${first.problem}` : ''})`;
}
