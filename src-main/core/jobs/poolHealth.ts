import type { Atelier } from '../app/atelier';
import type { Disposable } from '../app/disposable';
import { probeEndpoint } from '../engines/endpointHealth';
import { healthOf, recordHealth } from '../engines/healthStore';
import { appLog } from '../log/appLog';
import type { PoolSlot, Scheduler } from './scheduler';

/**
 * Health of the engine-server pools. A server is checked every `intervalMs` while it is offline
 * (to bring it back as soon as it answers) and every few intervals while online; a job that could
 * not reach its server marks the pool offline at once. An offline pool receives no work; its
 * queued jobs say what they wait for.
 */
export class PoolHealth implements Disposable {
  private timer: NodeJS.Timeout | null = null;
  private readonly lastCheck = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private disposed = false;

  constructor(
    private readonly core: Atelier,
    private readonly scheduler: Scheduler,
    private readonly onChange: (slot: PoolSlot) => void,
    private readonly intervalMs = 10_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  private tick(): void {
    const now = Date.now();
    for (const slot of this.scheduler.slots.values()) {
      if (!slot.def.endpoint) continue;
      const last = this.lastCheck.get(slot.def.id) ?? 0;
      const every = slot.online ? this.intervalMs * 3 : this.intervalMs;
      if (now - last >= every - 50) void this.check(slot.def.id);
    }
  }

  /** Checks one pool now (joining a check already under way). */
  check(poolId: string): Promise<void> {
    const running = this.inFlight.get(poolId);
    if (running) return running;
    const p = this.doCheck(poolId).finally(() => this.inFlight.delete(poolId));
    this.inFlight.set(poolId, p);
    return p;
  }

  private async doCheck(poolId: string): Promise<void> {
    const slot = this.scheduler.slots.get(poolId);
    const endpoint = slot?.def.endpoint;
    if (!slot || !endpoint) return;
    this.lastCheck.set(poolId, Date.now());
    const health = await probeEndpoint(endpoint.kind, {
      label: slot.def.label,
      url: endpoint.url,
      headers: endpoint.headers,
    }).catch((err: unknown) => ({
      ok: false,
      problem: (err as Error).message,
      version: null,
      detail: null,
      latencyMs: null,
      checkedAt: new Date().toISOString(),
    }));
    if (this.disposed) return;
    const before = healthOf(this.core, endpoint.id);
    recordHealth(this.core, endpoint.id, health);
    const current = this.scheduler.slots.get(poolId);
    const changedState = current ? this.set(current, health.ok, health.problem) : false;
    // What it runs or says changed (first check, a new version, another problem): the Engines
    // page shows it without waiting for the server to go on- or offline.
    if (
      !changedState &&
      (before?.ok !== health.ok ||
        before?.problem !== health.problem ||
        before?.version !== health.version ||
        before?.detail !== health.detail)
    )
      this.core.events.emit('engines.changed', { reason: 'health' });
  }

  /** A job could not reach the server: offline now, and checked again soon. */
  markOffline(poolId: string, problem: string): void {
    const slot = this.scheduler.slots.get(poolId);
    if (!slot?.def.endpoint) return;
    this.lastCheck.set(poolId, Date.now());
    this.set(slot, false, problem);
  }

  /** Returns whether the pool went on- or offline (its listeners were told). */
  private set(slot: PoolSlot, online: boolean, problem: string | null): boolean {
    const changed = slot.online !== online;
    slot.online = online;
    slot.problem = online ? null : problem;
    if (!changed) return false;
    appLog[online ? 'info' : 'warn'](
      'jobs',
      `${slot.def.label} is ${online ? 'back online' : `offline: ${problem ?? 'no answer'}`}`,
    );
    this.onChange(slot);
    return true;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
  }
}
