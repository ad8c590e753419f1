import { z } from 'zod';
import { event, method } from './define';

export const jobStatuses = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatusName = (typeof jobStatuses)[number];
export type JobResourceClass = 'gpu' | 'cpu' | 'io';

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
  resourceClass: JobResourceClass;
  progress: number;
  message: string | null;
  etaSec: number | null;
  error: string | null;
  attempts: number;
  maxAttempts: number;
  /** Set while an automatic retry waits for its backoff. */
  runAfter: string | null;
  parentId: string | null;
  assetId: string | null;
  packId: string | null;
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

export interface JobDetail extends JobSummary {
  params: unknown;
  result: unknown;
  logTail: JobLogLine[];
  /** The first page of a batch's children, in creation order. */
  childJobs: JobSummary[];
}

export interface QueueState {
  paused: boolean;
  running: number;
  queued: number;
  concurrency: Record<JobResourceClass, number>;
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
  'jobs.pause': method(
    z.object({}).strict(),
    'Stop starting queued jobs (running ones finish).',
  )<QueueState>(),
  'jobs.resume': method(z.object({}).strict(), 'Start queued jobs again.')<QueueState>(),
  'jobs.queueState': method(
    z.object({}).strict(),
    'Paused or not, running and queued counts.',
  )<QueueState>(),
} as const;

export interface JobProgressEvent {
  id: string;
  parentId: string | null;
  progress: number;
  message: string | null;
  etaSec: number | null;
}

export const jobsEvents = {
  'jobs.changed': event<{ job: JobSummary }>(
    'A job was queued, started, finished, moved or changed state.',
  ),
  'jobs.progress': event<JobProgressEvent>(
    'A running job reported progress (a few per second at most).',
  ),
  'jobs.queue': event<QueueState>('The queue was paused or resumed, or its counts changed.'),
} as const;
