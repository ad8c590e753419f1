import { z } from 'zod';
import { event, method } from './define';
import type { PoolStatus } from './engines';

export const jobStatuses = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatusName = (typeof jobStatuses)[number];
/** This computer's pools; engine servers add pools of their own (engines.status). */
export type LocalPool = 'gpu' | 'cpu' | 'io';

/** Live telemetry a job reports beside its progress (all optional). */
export interface JobMetrics {
  step?: number;
  total?: number;
  itPerSec?: number;
  secPerIt?: number;
  loss?: number;
  /** The engine's own estimate, preferred to one from the mean rate. */
  etaSec?: number;
}

export interface JobChildCounts {
  total: number;
  queued: number;
  running: number;
  completed: number;
  failed: number;
  cancelled: number;
}

export interface JobSummary {
  id: string;
  kind: string;
  title: string;
  status: JobStatusName;
  priority: number;
  /** The pool kinds it can run on ("cpu", "comfyui|gpu"), or "@" + a pool id when pinned to one. */
  pool: string;
  /** The pool it runs (or last ran) on, and that pool's name. */
  leasePool: string | null;
  leaseLabel: string | null;
  progress: number;
  message: string | null;
  etaSec: number | null;
  metrics: JobMetrics | null;
  error: string | null;
  attempts: number;
  maxAttempts: number;
  /** Set while an automatic retry waits for its backoff. */
  runAfter: string | null;
  parentId: string | null;
  assetId: string | null;
  packId: string | null;
  /** Who asked for it (a user id); null for jobs from before accounts. */
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Only for batch parents. */
  children: JobChildCounts | null;
  /** Assets the job produced, once it completed. */
  outputAssetIds: string[];
}

export interface JobLogLine {
  at: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface JobSegmentInfo {
  index: number;
  label: string | null;
  status: JobStatusName;
  progress: number;
  startMs: number | null;
  endMs: number | null;
  attempts: number;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The latest picture a running job showed (a sampler's preview); kept in memory, not stored. */
export interface JobPreview {
  id: string;
  mime: 'image/png' | 'image/jpeg' | 'image/webp';
  /** Base64 bytes. */
  data: string;
  at: string;
}

export interface JobDetail extends JobSummary {
  params: unknown;
  result: unknown;
  logTail: JobLogLine[];
  /** The first page of a batch's children, in creation order. */
  childJobs: JobSummary[];
  /** A multi-step job's parts; empty for a one-step job. */
  segments: JobSegmentInfo[];
  preview: JobPreview | null;
}

export interface QueueState {
  paused: boolean;
  running: number;
  queued: number;
  /** Slots of this computer's pools (settings). */
  concurrency: Record<LocalPool, number>;
  /** Every pool, engine servers included, with what runs on it and whether it is online. */
  pools: PoolStatus[];
}

export interface JobPage {
  items: JobSummary[];
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
  counts: Record<JobStatusName, number>;
}

const id = z.string().trim().min(1).max(64);

export const jobsMethods = {
  'jobs.list': method(
    z
      .object({
        status: z.array(z.enum(jobStatuses)).max(5).optional(),
        kind: z.string().trim().min(1).max(64).optional(),
        /** A batch's children; null = top-level jobs only; omitted = every job. */
        parentId: id.nullable().optional(),
        /** recent: newest first; queue: the order queued jobs will run in. */
        order: z.enum(['recent', 'queue']).default('recent'),
        limit: z.number().int().min(1).max(500).default(100),
        cursor: z.string().max(500).optional(),
      })
      .strict(),
    'A page of jobs (keyset-paginated) with counts per status over the same jobs: top-level ones for parentId null, one batch’s children for its id, all otherwise.',
  )<JobPage>(),
  'jobs.get': method(
    z.object({ id, logLines: z.number().int().min(0).max(2000).default(200) }).strict(),
    'One job with its params, result, log tail and children.',
  )<JobDetail>(),
  'jobs.cancel': method(
    z.object({ id }).strict(),
    'Cancel a queued or running job (its process tree is killed, temp files removed); a batch cancels its children.',
  )<JobSummary>(),
  'jobs.retry': method(
    z.object({ id }).strict(),
    'Queue a failed or cancelled job again; for a batch, its failed and cancelled children.',
  )<JobSummary>(),
  'jobs.move': method(
    z.object({ id, direction: z.enum(['up', 'down', 'top', 'bottom']) }).strict(),
    'Move a queued job in the queue.',
  )<JobSummary>(),
  'jobs.pause': method(z.object({}).strict(), 'Stop starting queued jobs (running ones finish).', {
    access: 'manager',
  })<QueueState>(),
  'jobs.resume': method(z.object({}).strict(), 'Start queued jobs again.', {
    access: 'manager',
  })<QueueState>(),
  'jobs.queueState': method(
    z.object({}).strict(),
    'Paused or not, running and queued counts, and every pool with its slots and health.',
  )<QueueState>(),
  'jobs.preview': method(
    z.object({ id }).strict(),
    'The latest preview picture of a running job, or null.',
  )<JobPreview | null>(),
} as const;

export interface JobProgressEvent {
  id: string;
  parentId: string | null;
  progress: number;
  message: string | null;
  etaSec: number | null;
  metrics?: JobMetrics | null;
}

export const jobsEvents = {
  'jobs.changed': event<{ job: JobSummary }>(
    'A job was queued, started, finished, moved or changed state.',
  ),
  'jobs.progress': event<JobProgressEvent>(
    'A running job reported progress (a few per second at most).',
  ),
  'jobs.queue': event<QueueState>(
    'The queue was paused or resumed, its counts changed, or a pool went on- or offline.',
  ),
  'jobs.preview': event<JobPreview>(
    'A running job showed a new preview picture (at most two a second per job).',
  ),
} as const;
