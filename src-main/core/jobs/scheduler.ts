import type BetterSqlite3 from 'better-sqlite3';
import type { PoolStatus } from '../../contract/engines';
import type { JobRow } from '../db/schema';
import { stmt, BATCH_KIND } from './jobStore';
import { kindsOfKey, type PoolDef } from './pools';
import { allJobKinds } from './registry';

export interface PoolSlot {
  def: PoolDef;
  /** Slots leased now. */
  active: number;
  online: boolean;
  problem: string | null;
}

/**
 * Which queued job goes to which free slot. Jobs carry a pool key (the pool kinds they take, or
 * one pinned pool); a pool asks for the best job among the keys it serves, one index probe per
 * key (jobs_dispatch), so dispatch costs the same with ten or ten thousand jobs queued.
 */
export class Scheduler {
  readonly slots = new Map<string, PoolSlot>();
  /** Every pool key a registered kind can produce, plus keys met in the queue. */
  private readonly keys = new Set<string>();

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly onlyJson: string | null,
  ) {}

  /** New pool definitions (settings or servers changed): slots in use carry over. */
  setPools(defs: PoolDef[]): void {
    const old = new Map(this.slots);
    this.slots.clear();
    for (const def of defs) {
      const prev = old.get(def.id);
      this.slots.set(def.id, {
        def,
        active: prev?.active ?? 0,
        // Local pools are always there; a server is online until a check says otherwise.
        online: prev?.online ?? true,
        problem: prev?.problem ?? null,
      });
    }
    // A pool removed while its jobs run keeps counting them until they end.
    for (const [id, prev] of old)
      if (!this.slots.has(id) && prev.active > 0)
        this.slots.set(id, { ...prev, def: { ...prev.def, slots: 0 } });
    this.learnKeys();
  }

  /** Keys from the registered kinds and from what is queued (kinds registered later, pins). */
  learnKeys(): void {
    for (const k of allJobKinds()) this.keys.add(k.pools.join('|'));
    for (const r of stmt(
      this.db,
      "SELECT DISTINCT pool FROM jobs WHERE status = 'queued' AND pool != ''",
    ).all() as { pool: string }[])
      this.keys.add(r.pool);
  }

  addKey(key: string): void {
    if (key) this.keys.add(key);
  }

  knownKeys(): string[] {
    return [...this.keys];
  }

  private keysServedBy(pool: PoolDef): string[] {
    const out = [`@${pool.id}`];
    for (const k of this.keys) if (kindsOfKey(k).includes(pool.kind)) out.push(k);
    return out;
  }

  /** The next job a free slot of `pool` should run: highest priority, then queue position. */
  nextFor(pool: PoolDef, now: string, ignoreRunAfter = false): JobRow | undefined {
    let best: JobRow | undefined;
    for (const key of this.keysServedBy(pool)) {
      const row = this.probe(key, now, ignoreRunAfter);
      if (
        row &&
        (!best ||
          row.priority > best.priority ||
          (row.priority === best.priority && row.position < best.position))
      )
        best = row;
    }
    return best;
  }

  private probe(key: string, now: string, ignoreRunAfter: boolean): JobRow | undefined {
    const runAfter = ignoreRunAfter ? '' : 'AND (run_after IS NULL OR run_after <= ?)';
    const only = this.onlyJson
      ? 'AND (id IN (SELECT value FROM json_each(?)) OR parent_id IN (SELECT value FROM json_each(?)))'
      : '';
    const args: string[] = [key];
    if (!ignoreRunAfter) args.push(now);
    if (this.onlyJson) args.push(this.onlyJson, this.onlyJson);
    return stmt(
      this.db,
      `SELECT * FROM jobs WHERE status = 'queued' AND pool = ? AND kind != '${BATCH_KIND}' ${runAfter} ${only}
       ORDER BY priority DESC, position ASC LIMIT 1`,
    ).get(...args) as JobRow | undefined;
  }

  /** Whether anything this runner may run is queued on a pool that could take it now. */
  hasRunnable(now: string): boolean {
    for (const slot of this.slots.values())
      if (slot.online && slot.def.slots > 0 && this.nextFor(slot.def, now, true)) return true;
    return false;
  }

  status(): PoolStatus[] {
    return [...this.slots.values()].map((s) => ({
      id: s.def.id,
      kind: s.def.kind,
      label: s.def.label,
      slots: s.def.slots,
      active: s.active,
      online: s.online,
      problem: s.problem,
      endpointId: s.def.endpoint?.id ?? null,
    }));
  }
}
