import type { EndpointHealth, EndpointKind } from '../../contract/engines';
import { AppError } from '../../contract/errors';
import { endpointKindLabels } from './endpoints';
import { engineRequest, type EngineTarget } from './httpClient';

/**
 * "Is this server there, and what is it?" per kind, from a cheap read-only route each server
 * has: ComfyUI's /system_stats, sd-server's /sdcpp/v1/capabilities, an OpenAI-compatible
 * server's /v1/models. Used by Settings' "Test connection" and by the queue's health checks.
 */

interface Probe {
  path: string;
  /** The version and a line on what it runs, from the answer; throws if it is not that kind. */
  read(body: unknown): { version: string | null; detail: string | null };
}

const probes: Record<EndpointKind, Probe> = {
  comfyui: {
    path: '/system_stats',
    read(body) {
      const b = body as {
        system?: { comfyui_version?: string; pytorch_version?: string };
        devices?: { name?: string; type?: string; vram_total?: number }[];
      };
      if (!b?.system || !Array.isArray(b.devices)) throw new Error('this is not a ComfyUI server');
      const devices = b.devices
        .map((d) =>
          d.type === 'cpu'
            ? 'CPU only'
            : `${d.name ?? d.type ?? 'device'}${d.vram_total ? ` (${Math.round(d.vram_total / 2 ** 30)} GB)` : ''}`,
        )
        .join(', ');
      return {
        version: b.system.comfyui_version ?? null,
        detail: devices || null,
      };
    },
  },
  sdserver: {
    path: '/sdcpp/v1/capabilities',
    read(body) {
      const b = body as { model?: { name?: string }; supported_modes?: string[] };
      if (!b || !Array.isArray(b.supported_modes))
        throw new Error('this is not a stable-diffusion.cpp sd-server');
      return {
        version: null,
        detail: `${b.model?.name ?? 'no model loaded'} · ${b.supported_modes.join(', ')}`,
      };
    },
  },
  llm: {
    path: '/v1/models',
    read(body) {
      const b = body as { data?: { id?: string }[] };
      if (!b || !Array.isArray(b.data))
        throw new Error('this is not an OpenAI-compatible server (no model list at /v1/models)');
      const ids = b.data.map((m) => m.id).filter(Boolean);
      return { version: null, detail: ids.length ? ids.slice(0, 3).join(', ') : 'no models' };
    },
  },
};

export async function probeEndpoint(
  kind: EndpointKind,
  target: Omit<EngineTarget, 'label'> & { label?: string },
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<EndpointHealth> {
  const label = target.label ?? endpointKindLabels[kind];
  const probe = probes[kind];
  const t0 = performance.now();
  const checkedAt = new Date().toISOString();
  try {
    const res = await engineRequest({ ...target, label }, probe.path, {
      timeoutMs: options.timeoutMs ?? 5000,
      attempts: 1,
      signal: options.signal,
    });
    let info: { version: string | null; detail: string | null };
    try {
      info = probe.read(res.json());
    } catch (err) {
      return {
        ok: false,
        problem: `${label} answered, but ${(err as Error).message}.`,
        version: null,
        detail: null,
        latencyMs: Math.round(performance.now() - t0),
        checkedAt,
      };
    }
    return {
      ok: true,
      problem: null,
      ...info,
      latencyMs: Math.round(performance.now() - t0),
      checkedAt,
    };
  } catch (err) {
    if (err instanceof AppError && err.code === 'cancelled') throw err;
    const status = (err as AppError).details as { status?: number } | undefined;
    const hint =
      status?.status === 401 || status?.status === 403
        ? ' Check the sign-in (a proxy in front of it may want a token).'
        : '';
    return {
      ok: false,
      problem: `${(err as Error).message}.${hint}`.replace(/\.\./g, '.'),
      version: null,
      detail: null,
      latencyMs: null,
      checkedAt,
    };
  }
}
