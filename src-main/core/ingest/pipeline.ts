import type BetterSqlite3 from 'better-sqlite3';
import type { IngestFailure, IngestOutcome, IngestProgress } from '../../contract/library';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { assetSummaryById } from '../library/assetRows';
import { isInside } from '../util/pathInside';
import { IngestError, toIngestError } from '../util/ingestError';
import { LibraryWriter, type CommitResult } from './libraryWriter';
import { prepareFile, stampOf, type FileStamp, type PreparedFile } from './prepare';
import { Semaphore } from './semaphore';
import { removeThumbs, thumbExists } from '../thumbs/files';
import { appLog } from '../log/appLog';

export interface IngestPipelineOptions {
  /** Files in flight at once (read + hash + decode). sharp decodes PNG single-threaded, so 2–4 keeps cores busy. */
  concurrency?: number;
  /** How long the writer waits to gather a batch before committing. */
  batchDelayMs?: number;
}

interface PendingCommit {
  file: PreparedFile;
  resolve(r: CommitResult): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 200;
const MAX_RESTARTS = 3;

/**
 * The one ingest pipeline: the watcher, the start-up reconcile, imports and uploads all call
 * `ingest`. Work for one path is serialised (a change arriving mid-ingest runs after it);
 * different paths run concurrently up to a bound; results are committed in batched
 * transactions; events are emitted after each commit.
 */
export class IngestPipeline {
  readonly writer: LibraryWriter;
  private readonly sem: Semaphore;
  private readonly batchDelayMs: number;
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly queuedIngest = new Map<string, Promise<IngestOutcome>>();
  private pending: PendingCommit[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private progressTimer: ReturnType<typeof setTimeout> | null = null;
  private statusTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private stampQuery: BetterSqlite3.Statement | null = null;
  private counts: IngestProgress = {
    queued: 0,
    active: 0,
    done: 0,
    failed: 0,
    added: 0,
    duplicates: 0,
    updated: 0,
  };

  constructor(
    private readonly core: Atelier,
    options: IngestPipelineOptions = {},
  ) {
    this.writer = new LibraryWriter(core.sqlite);
    this.sem = new Semaphore(options.concurrency ?? defaultConcurrency());
    this.batchDelayMs = options.batchDelayMs ?? 4;
  }

  get progress(): IngestProgress {
    return { ...this.counts };
  }

  /** Ingests (or re-checks) one file. Never rejects: failures come back as a `failed` outcome. */
  /**
   * `explicit`: the user named this file (an import), which brings back a file whose asset was
   * emptied from the trash; the watcher and rescans leave such files out.
   */
  ingest(
    file: string,
    options: { force?: boolean; explicit?: boolean } = {},
  ): Promise<IngestOutcome> {
    const { layout } = this.core;
    if (isInside(layout.thumbs, file) || isInside(layout.tmp, file)) {
      // A watched folder that contains the data directory must not ingest Atelier's own
      // thumbnails: each would make another thumbnail, without end.
      return Promise.resolve({
        path: file,
        outcome: 'skipped',
        assetId: null,
        reason: 'Atelier’s own thumbnail or temporary file',
      });
    }
    const queued = this.queuedIngest.get(file);
    if (queued && !options.force) return queued;
    if (this.counts.queued === 0 && this.counts.active === 0) this.resetCounts();
    this.counts.queued++;
    this.scheduleProgress();
    const task = this.chain(file, async () => {
      this.queuedIngest.delete(file);
      return this.run(file, options.force ?? false, options.explicit ?? false);
    });
    this.queuedIngest.set(file, task);
    return task;
  }

  /** A file was deleted (or moved away): keep its asset, mark it missing or switch to a copy. */
  remove(file: string): Promise<void> {
    return this.chain(file, async () => {
      if (this.disposed) return;
      this.unforget(file);
      const r = this.writer.remove(file);
      if (r.assetId && (r.outcome === 'missing' || r.outcome === 'moved'))
        this.emitAsset('asset.updated', r.assetId);
      if (r.outcome !== 'none') this.scheduleStatus();
    });
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.idle();
    this.flush();
    for (const t of [this.flushTimer, this.progressTimer, this.statusTimer]) if (t) clearTimeout(t);
  }

  private chain<T>(file: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(file) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tracked = next.finally(() => {
      if (this.chains.get(file) === tracked) this.chains.delete(file);
    });
    this.chains.set(file, tracked);
    return next;
  }

  private async run(file: string, force: boolean, explicit: boolean): Promise<IngestOutcome> {
    let stamp: FileStamp | null = null;
    await this.sem.acquire();
    this.counts.queued--;
    this.counts.active++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.counts.active--;
      this.sem.release();
    };
    try {
      if (this.disposed) throw new IngestError('io_error', 'Atelier was closing; try again');
      for (let attempt = 0; ; attempt++) {
        stamp = await stampOf(file);
        const forgotten = this.forgotten(file, explicit);
        if (
          forgotten &&
          forgotten.size_bytes === stamp.size &&
          forgotten.mtime_ms === stamp.mtimeMs
        ) {
          release();
          return this.skipForgotten(file);
        }
        if (!force && this.isUnchanged(file, stamp)) {
          release();
          this.counts.done++;
          return { path: file, outcome: 'unchanged', assetId: null };
        }
        // Known bytes skip the probe, unless their thumbnails were lost (a cleared thumbs folder):
        // probing again rewrites them at the same content address.
        const known = (sha: string) =>
          this.writer.hasProbedAsset(sha) && thumbExists(this.core.layout, sha, 'thumb-small');
        let prepared = await prepareFile(file, stamp, this.core.layout, known);
        const after = await stampOf(file);
        if (after.size !== stamp.size || after.mtimeMs !== stamp.mtimeMs) {
          // Still being written: read it again from the start.
          if (attempt + 1 >= MAX_RESTARTS)
            throw new IngestError('io_error', 'The file kept changing while it was being read');
          continue;
        }
        if (forgotten) {
          if (forgotten.sha256 === prepared.sha256) {
            // Touched but the same bytes: still forgotten, now under its new stamps.
            statements(this.core.sqlite)
              .get('UPDATE forgotten_files SET size_bytes = ?, mtime_ms = ? WHERE path = ?')
              .run(stamp.size, stamp.mtimeMs, file);
            release();
            return this.skipForgotten(file);
          }
          this.unforget(file); // new bytes at that path: a new file
        }
        let result = await this.commit(prepared);
        if (result.outcome === 'needsProbe') {
          prepared = await prepareFile(file, stamp, this.core.layout, () => false);
          result = await this.commit(prepared);
        }
        release();
        return this.finish(file, result);
      }
    } catch (err) {
      release();
      return this.fail(file, toIngestError(err), stamp);
    }
  }

  /**
   * The forgotten-file row for this path, or null; an explicit import forgets the forgetting.
   * Looked up per file, so through the statement cache, and written to only when a row exists.
   */
  private forgotten(
    file: string,
    explicit: boolean,
  ): { sha256: string; size_bytes: number; mtime_ms: number } | null {
    const row = statements(this.core.sqlite)
      .get('SELECT sha256, size_bytes, mtime_ms FROM forgotten_files WHERE path = ?')
      .get(file) as { sha256: string; size_bytes: number; mtime_ms: number } | undefined;
    if (!row) return null;
    if (!explicit) return row;
    this.unforget(file);
    return null;
  }

  private unforget(file: string): void {
    statements(this.core.sqlite).get('DELETE FROM forgotten_files WHERE path = ?').run(file);
  }

  private skipForgotten(file: string): IngestOutcome {
    this.counts.done++;
    this.scheduleProgress();
    return {
      path: file,
      outcome: 'skipped',
      assetId: null,
      reason: 'Removed from the library when the trash was emptied; import it to bring it back',
    };
  }

  /** Size and modification time unchanged and the asset present: no need to read it again. */
  private isUnchanged(file: string, stamp: FileStamp): boolean {
    this.stampQuery ??= statements(this.core.sqlite).get(
      `SELECT size_bytes, mtime_ms, missing FROM assets WHERE path = ?
       UNION ALL SELECT size_bytes, mtime_ms, missing FROM asset_copies WHERE path = ? LIMIT 1`,
    );
    const row = this.stampQuery.get(file, file) as
      | { size_bytes: number; mtime_ms: number; missing: number }
      | undefined;
    return (
      !!row && row.missing === 0 && row.size_bytes === stamp.size && row.mtime_ms === stamp.mtimeMs
    );
  }

  private commit(file: PreparedFile): Promise<CommitResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ file, resolve, reject });
      if (this.pending.length >= MAX_BATCH) this.flush();
      else if (!this.flushTimer)
        this.flushTimer = setTimeout(() => this.flush(), this.batchDelayMs);
    });
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let results: CommitResult[];
    try {
      results = this.writer.commit(batch.map((p) => p.file));
    } catch (err) {
      // One bad row must not sink the batch: retry each file in its own transaction.
      if (batch.length > 1) {
        for (const p of batch) {
          try {
            p.resolve(this.writer.commit([p.file])[0]!);
          } catch (e) {
            p.reject(e);
          }
        }
      } else batch[0]!.reject(err);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }

  private finish(file: string, r: CommitResult): IngestOutcome {
    this.counts.done++;
    const outcome = r.outcome === 'needsProbe' ? 'failed' : r.outcome;
    if (outcome === 'added') this.counts.added++;
    else if (outcome === 'duplicate') this.counts.duplicates++;
    else if (outcome === 'updated' || outcome === 'moved' || outcome === 'restored')
      this.counts.updated++;
    if (r.assetId) {
      if (outcome === 'added') this.emitAsset('asset.added', r.assetId);
      else if (outcome === 'updated' || outcome === 'moved' || outcome === 'restored')
        this.emitAsset('asset.updated', r.assetId);
    }
    if (outcome !== 'unchanged') this.scheduleStatus();
    if (r.staleThumbKey && !this.writer.thumbKeyInUse(r.staleThumbKey))
      void removeThumbs(this.core.layout, r.staleThumbKey).catch(() => {});
    this.scheduleProgress();
    return { path: file, outcome, assetId: r.assetId };
  }

  private fail(file: string, err: IngestError, stamp: FileStamp | null): IngestOutcome {
    this.counts.done++;
    this.counts.failed++;
    this.scheduleProgress();
    if (this.disposed) return { path: file, outcome: 'failed', assetId: null, reason: err.message };
    try {
      const row = this.writer.recordFailure(file, err, stamp);
      const failure: IngestFailure = {
        id: row.id,
        path: file,
        folderId: row.folderId,
        reason: err.message,
        code: err.code,
        attempts: row.attempts,
        firstAt: row.firstAt,
        lastAt: row.lastAt,
      };
      this.core.events.emit('ingest.failed', failure);
    } catch (e) {
      appLog.error('ingest', 'could not record a failure', e);
    }
    return { path: file, outcome: 'failed', assetId: null, reason: err.message };
  }

  /** Records a failure found before the pipeline (walking a folder, a bad upload). */
  recordFailure(file: string, err: IngestError): IngestOutcome {
    return this.fail(file, err, null);
  }

  private emitAsset(event: 'asset.added' | 'asset.updated', id: string): void {
    const summary = assetSummaryById(this.core.sqlite, id);
    if (summary) this.core.events.emit(event, summary);
  }

  private resetCounts(): void {
    this.counts = { queued: 0, active: 0, done: 0, failed: 0, added: 0, duplicates: 0, updated: 0 };
  }

  private scheduleProgress(): void {
    if (this.progressTimer || this.disposed) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = null;
      this.core.events.emit('ingest.progress', this.progress);
    }, 200);
  }

  private scheduleStatus(): void {
    if (this.statusTimer || this.disposed) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      this.core.events.emit('status.changed', { reason: 'assets' });
    }, 300);
  }
}

function defaultConcurrency(): number {
  const fromEnv = Number(process.env.ATELIER_INGEST_CONCURRENCY);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 4;
}

const pipelines = new WeakMap<Atelier, IngestPipeline>();

/** The core's pipeline, created on first use and drained when the core closes. */
export function ingestPipeline(core: Atelier): IngestPipeline {
  let p = pipelines.get(core);
  if (!p) {
    const created = new IngestPipeline(core);
    p = created;
    pipelines.set(core, created);
    core.disposables.add({ dispose: () => created.dispose() });
  }
  return p;
}
