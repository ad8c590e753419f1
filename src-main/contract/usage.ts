/**
 * The usage ledger: what every job used (who asked, wall time, GPU and CPU slot time, engine,
 * model, what it made), summed by user, model, engine, kind, day or pack; and GPU quotas.
 */
import { z } from 'zod';
import { method } from './define';

export const usageGroupings = ['user', 'model', 'engine', 'kind', 'day', 'pack'] as const;
export type UsageGrouping = (typeof usageGroupings)[number];

export interface UsageRow {
  key: string | null;
  label: string;
  jobs: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** failed / (completed + failed); null before any finished. */
  failureRate: number | null;
  gpuHours: number;
  cpuHours: number;
  wallHours: number;
  /** Assets the jobs made. */
  outputs: number;
}

export interface UsageReport {
  by: UsageGrouping;
  since: string | null;
  until: string | null;
  rows: UsageRow[];
  total: Omit<UsageRow, 'key' | 'label'>;
  /** The account the report is limited to (members: always themselves); null for everyone. */
  userId: string | null;
}

export interface GpuBalance {
  /** null: no quota. */
  quotaMinutes: number | null;
  /** Charged today plus what running jobs have used so far. */
  usedMinutes: number;
  /** Estimated for jobs still waiting. */
  heldMinutes: number;
  remainingMinutes: number | null;
}

const date = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, 'Use a date like 2026-12-01');

export const usageMethods = {
  'usage.report': method(
    z
      .object({
        by: z.enum(usageGroupings).default('model'),
        since: date.optional(),
        until: date.optional(),
        /** Only this user's jobs (an admin may name anyone; a member always sees their own). */
        user: z.string().trim().min(1).max(320).optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    'Resource use by user, model, engine, job kind, day or pack: jobs, failures, GPU/CPU/wall hours, outputs.',
  )<UsageReport>(),
  'usage.balance': method(
    z.object({ user: z.string().trim().min(1).max(320).optional() }).strict(),
    'Today’s GPU minutes: quota, used, held for queued jobs, remaining (yours, or an admin asks for anyone).',
  )<GpuBalance>(),
} as const;
