import { rmSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { JobPreview } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import type { JobRow } from '../db/schema';
import { isUnreachable } from '../engines/httpClient';
import { createJobContext } from './jobContext';
import { JobLog } from './jobLog';
import { parseJson } from './jobStore';
import { resourceOf, type Lease } from './pools';
import { findJobKind } from './registry';
import { finishJob, type AbortReason, type Decided } from './transitions';
import type { JobOutcome } from './types';

export interface ExecuteHooks {
  controller: AbortController;
  lease: Lease;
  releaseSlot: () => void;
  setPreview: (preview: JobPreview) => void;
  progressIntervalMs: number;
  /** The job could not reach its server: the pool goes offline. */
  markOffline: (poolId: string, problem: string) => void;
}

/**
 * One run of a claimed job: its kind's `run` with a JobContext, then the record of how it ended.
 * A job whose engine server went away under it fails over instead of failing.
 */
export async function executeJob(
  core: Atelier,
  row: JobRow,
  hooks: ExecuteHooks,
): Promise<Decided & { reason: AbortReason | undefined }> {
  const { controller, lease } = hooks;
  const kind = findJobKind(row.kind);
  const log = new JobLog(
    core,
    row.id,
    `${row.title || row.kind} · attempt ${row.attempts} of ${row.max_attempts} · on ${lease.label}`,
  );
  const tempDir = path.join(core.layout.tmp, 'jobs', row.id);
  const t0 = performance.now();
  // The slot is held until the kind says its engine is done (or the job ends): that span is
  // what the ledger charges as GPU or CPU time.
  let slotFreedAt: number | null = null;
  let outcome: JobOutcome | undefined;
  let error: unknown;
  const ctx = createJobContext(core, row, {
    controller,
    log,
    tempDir,
    lease,
    releaseSlot: () => {
      slotFreedAt ??= performance.now();
      hooks.releaseSlot();
    },
    setPreview: hooks.setPreview,
    progressIntervalMs: hooks.progressIntervalMs,
  });
  try {
    if (!kind)
      throw new AppError(
        'invalid_input',
        `Unknown job kind "${row.kind}": this version of Atelier cannot run it.`,
      );
    const params = kind.params.safeParse(parseJson(row.params) ?? {});
    if (!params.success)
      throw new AppError(
        'invalid_input',
        `Stored params are invalid: ${params.error.issues[0]?.message ?? ''}`,
      );
    outcome = await kind.run(ctx, params.data);
    if (controller.signal.aborted) throw new AppError('cancelled', 'Cancelled');
  } catch (err) {
    error = err;
  }
  ctx.close();
  // Temp files go before the final state is written: whoever sees "cancelled" sees a clean tmp/.
  rmSync(tempDir, { recursive: true, force: true });
  let reason = controller.signal.reason as AbortReason | undefined;
  if (reason === undefined && lease.endpoint && isUnreachable(error)) {
    hooks.markOffline(lease.poolId, (error as Error).message);
    reason = 'failover';
  }
  const decided = finishJob(core, {
    row,
    kind,
    outcome,
    error,
    reason,
    poolLabel: lease.label,
    seconds: (performance.now() - t0) / 1000,
    usage: {
      ...ctx.recordedUsage(),
      slotSeconds: ((slotFreedAt ?? performance.now()) - t0) / 1000,
      resource: resourceOf(lease.poolKind),
    },
    log,
  });
  return { ...decided, reason };
}
