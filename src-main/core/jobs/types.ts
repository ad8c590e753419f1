import type { z } from 'zod';
import type { JobMetrics } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import type { RunProgramOptions, RunProgramResult } from '../engines/runProgram';
import type { Lease } from './pools';
import type { Segments } from './segments';

/**
 * What happens to a job cut off by a crash, a shutdown or its engine server going away:
 * - `rerun`: it is safe to run again from the start (today's processing kinds);
 * - `resume`: it runs again and continues from its last finished segment or checkpoint, in its
 *   persistent work folder (generation batches, training, localisation);
 * - `fail`: it is marked interrupted with the reason; running it twice could do harm.
 */
export type RestartPolicy = 'rerun' | 'resume' | 'fail';

/**
 * A job kind is a small module: its params schema, the pools it can run on, its restart policy,
 * and `run`. Kinds are declared with `defineJobKind` and registered at the composition root.
 */
export interface JobKind<P extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly params: P;
  /**
   * Pool kinds it can run on, in order of preference: "cpu", "gpu", "io" (this computer), or an
   * engine server's kind ("comfyui", "sdserver", "llm"). A free slot in any of them takes it.
   */
  readonly pools: readonly string[];
  readonly restart: RestartPolicy;
  /** Automatic attempts after an error (1 = none); never for `fail` kinds. */
  readonly maxAttempts?: number;
  /** A short human title for lists: "Upscale castle.png ×4". */
  title(params: z.output<P>, core: Atelier): string | Promise<string>;
  /**
   * Placement among the free pools that can take the job (at least two): the id of the one it
   * should go to, or null for the least used. Kept quick: it runs on every dispatch.
   */
  choosePool?(
    core: Atelier,
    params: unknown,
    free: { id: string; endpointId: string | null; active: number; slots: number }[],
  ): string | null;
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
  /** Aborted on cancel, shutdown and fail-over; pass it to every child process and request. */
  readonly signal: AbortSignal;
  /** The slot this job holds: which pool, and for an engine server its URL and headers. */
  readonly lease: Lease;
  /** The attempt this is (1 for the first run). */
  readonly attempt: number;
  /** fraction 0..1; throttled before it reaches the database and events. */
  progress(fraction: number, message?: string): void;
  /** Live telemetry (it/s, loss, step/total, the engine's ETA), sent with the progress. */
  metrics(metrics: JobMetrics): void;
  /** A live preview picture: at most two a second reach the UI; never stored. */
  preview(image: Buffer, mime: 'image/png' | 'image/jpeg' | 'image/webp'): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  /**
   * The heavy part (the engine run the pool stands for) is over: the slot goes to the next queued
   * job while this one finishes light work such as registering its outputs. Calling it more than
   * once is harmless; the job still counts as running until it ends.
   */
  engineDone(): void;
  /**
   * What did the work, for the usage ledger: the engine ("Real-ESRGAN", "ComfyUI 'studio-pc'")
   * and the model. A program run through `spawn` names itself, and a server's lease names the
   * server, unless the kind says better.
   */
  usage(u: { engine?: string; model?: string }): void;
  /** A path in the data dir's tmp/ owned by this job: removed when the job ends, however it ends. */
  tempPath(name: string): string;
  /**
   * The job's persistent work folder (work/<jobId>/), created on first use. It survives crashes
   * and restarts, so a `resume` job continues from what it left there; it is removed when the job
   * completes, and swept some days after it failed or was cancelled.
   */
  workDir(): string;
  /** The parts of a multi-step job: each runs once, a retry or resume redoes only the unfinished. */
  readonly segments: Segments;
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
