import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { JobMetrics, JobPreview } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import type { JobRow } from '../db/schema';
import { runProgram } from '../engines/runProgram';
import { nowIso } from '../util/ids';
import type { JobLog } from './jobLog';
import { stmt } from './jobStore';
import { refreshParentSoon } from './parents';
import type { Lease } from './pools';
import { createSegments } from './segments';
import type { JobContext } from './types';
import { workDirOf } from './workDirs';

export interface ContextHooks {
  controller: AbortController;
  log: JobLog;
  tempDir: string;
  lease: Lease;
  /** Frees the job's slot early (ctx.engineDone). */
  releaseSlot: () => void;
  /** Keeps the latest preview where jobs.preview finds it. */
  setPreview: (preview: JobPreview) => void;
  progressIntervalMs: number;
}

const PREVIEW_INTERVAL_MS = 500;

/** The engine and model a run used, for the usage ledger. */
export interface JobUsage {
  engine: string | null;
  model: string | null;
}

/**
 * The JobContext a kind's `run` gets. Progress and metrics are throttled before they reach the
 * database and the events (a few a second); previews go out at most twice a second and never
 * into the database.
 */
export function createJobContext(
  core: Atelier,
  row: JobRow,
  hooks: ContextHooks,
): JobContext & { close(): void; recordedUsage(): JobUsage } {
  const { controller, log, tempDir, lease } = hooks;
  const used: JobUsage = { engine: lease.endpoint ? lease.label : null, model: null };
  let engineNamed = false;
  const t0 = performance.now();
  const interval = hooks.progressIntervalMs;
  let latest: { f: number; msg: string | null } | null = null;
  let metrics: JobMetrics | null = null;
  let metricsDirty = false;
  let lastFlush = 0;
  let timer: NodeJS.Timeout | null = null;
  let tempMade = false;
  let closed = false;
  let lastPreview = 0;
  let fraction = 0;
  const flush = () => {
    timer = null;
    if ((!latest && !metricsDirty) || closed) return;
    const elapsed = (performance.now() - t0) / 1000;
    const f = latest?.f ?? fraction;
    const msg = latest ? latest.msg : null;
    latest = null;
    metricsDirty = false;
    lastFlush = performance.now();
    // The engine's own estimate when it gives one; else one from the mean rate so far, which too
    // early is noise, so only past 2% and 1.5 s.
    const eta =
      metrics?.etaSec !== undefined
        ? Math.max(0, Math.round(metrics.etaSec))
        : f >= 0.02 && f < 1 && elapsed >= 1.5
          ? Math.round((elapsed * (1 - f)) / f)
          : null;
    const metricsJson = metrics ? JSON.stringify(metrics) : null;
    stmt(
      core.sqlite,
      `UPDATE jobs SET progress = ?, progress_message = coalesce(?, progress_message), eta_sec = ?, metrics = ?, updated_at = ?
       WHERE id = ?`,
    ).run(f, msg, eta, metricsJson, nowIso(), row.id);
    core.events.emit('jobs.progress', {
      id: row.id,
      parentId: row.parent_id,
      progress: f,
      message: msg,
      etaSec: eta,
      metrics,
    });
    if (row.parent_id) refreshParentSoon(core, row.parent_id);
  };
  const schedule = () => {
    const since = performance.now() - lastFlush;
    if (since >= interval) flush();
    else if (!timer) timer = setTimeout(flush, interval - since);
  };
  const progress = (value: number, message?: string) => {
    if (closed || !Number.isFinite(value)) return;
    fraction = Math.min(1, Math.max(0, value));
    latest = { f: fraction, msg: message ?? latest?.msg ?? null };
    schedule();
  };
  const segments = createSegments(core.sqlite, row.id, controller.signal, progress);
  return {
    jobId: row.id,
    core,
    signal: controller.signal,
    lease,
    attempt: row.attempts,
    segments,
    progress,
    metrics(m) {
      if (closed) return;
      metrics = { ...metrics, ...m };
      metricsDirty = true;
      schedule();
    },
    preview(image, mime) {
      const now = performance.now();
      if (closed || now - lastPreview < PREVIEW_INTERVAL_MS) return;
      lastPreview = now;
      const preview: JobPreview = {
        id: row.id,
        mime,
        data: image.toString('base64'),
        at: nowIso(),
      };
      hooks.setPreview(preview);
      core.events.emit('jobs.preview', preview);
    },
    log: (level, message) => log.write(level, message),
    engineDone: hooks.releaseSlot,
    usage(u) {
      if (u.engine) {
        used.engine = u.engine.slice(0, 120);
        engineNamed = true;
      }
      if (u.model) used.model = u.model.slice(0, 200);
    },
    recordedUsage: () => ({ ...used }),
    tempPath(name: string) {
      if (!tempMade) {
        mkdirSync(tempDir, { recursive: true });
        tempMade = true;
      }
      return path.join(tempDir, path.basename(name));
    },
    workDir() {
      const dir = workDirOf(core.layout, row.id);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    async spawn(file, args, options) {
      const [from, to] = options.progressRange ?? [0, 1];
      if (!engineNamed && !lease.endpoint) used.engine = path.basename(file).replace(/\.exe$/i, '');
      log.write(
        'info',
        `$ ${path.basename(file)} ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`,
      );
      return runProgram(file, args, {
        ...options,
        signal: controller.signal,
        onProgress: (p) => {
          progress(from + (to - from) * p.fraction, p.message);
          options.onProgress?.(p);
        },
        onLine: (stream, line) => {
          log.write('debug', line);
          options.onLine?.(stream, line);
        },
      });
    },
    close() {
      if (timer) clearTimeout(timer);
      if (latest || metricsDirty) flush();
      closed = true;
    },
  };
}
