import type { z } from 'zod';
import type { ResourceClass } from '../db/schema';
import type { Atelier } from '../app/atelier';
import type { RunProgramOptions, RunProgramResult } from '../engines/runProgram';

/**
 * A job kind is a small module: its params schema, resource class, whether it may be retried
 * automatically, and `run`. Kinds register with the job registry at import time.
 */
export interface JobKind<P extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly params: P;
  readonly resourceClass: ResourceClass;
  /** Safe to run again from the start after a crash or failure (re-queued instead of failed). */
  readonly idempotent: boolean;
  /** Automatic attempts for idempotent kinds (1 = no automatic retry). */
  readonly maxAttempts?: number;
  /** A short human title for lists: "Upscale castle.png ×4". */
  title(params: z.output<P>, core: Atelier): string | Promise<string>;
  run(ctx: JobContext, params: z.output<P>): Promise<JobOutcome>;
}

export interface JobOutcome {
  /** Stored as the job's result JSON. */
  result?: unknown;
  /** Assets this job created (outputs registered as assets). */
  assetIds?: string[];
}

export interface JobContext {
  readonly jobId: string;
  readonly core: Atelier;
  /** Aborted on cancel and on shutdown; pass it to every child process and stream. */
  readonly signal: AbortSignal;
  /** fraction 0..1; throttled before it reaches the database and events. */
  progress(fraction: number, message?: string): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  /**
   * The heavy part (the engine run the resource class stands for) is over: the slot goes to the
   * next queued job while this one finishes light work such as registering its outputs. A batch
   * then keeps its engine busy back to back instead of idling through each registration.
   * Calling it more than once is harmless; the job still counts as running until it ends.
   */
  engineDone(): void;
  /** A path in the data dir's tmp/ owned by this job: removed when the job ends, however it ends. */
  tempPath(name: string): string;
  /**
   * Runs an external program under this job: cancelled with the job (whole process tree),
   * progress parsed from its output and reported, its output lines logged.
   */
  spawn(
    file: string,
    args: string[],
    options: Omit<RunProgramOptions, 'signal'> & {
      /** Maps the program's 0..1 onto a slice of the job's progress (multi-step jobs). */
      progressRange?: [from: number, to: number];
    },
  ): Promise<RunProgramResult>;
}
