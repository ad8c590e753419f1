import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Atelier } from '../app/atelier';
import type { Disposable } from '../app/disposable';
import { isCandidateFile, isIgnoredName } from '../ingest/ignore';
import { ingestPipeline } from '../ingest/pipeline';
import { ensureInbox, folderWatchErrors } from '../ingest/watchFolders';
import { reconcileFolder, type FolderRef } from './reconcile';
import { statements } from '../db/statements';
import { appLog } from '../log/appLog';

export interface WatchServiceOptions {
  /** chokidar's settle: a file must keep its size this long before it is ingested. */
  stabilityThresholdMs?: number;
  pollIntervalMs?: number;
  /** Create the default Inbox on first run (hosts do; most tests do not). */
  createInbox?: boolean;
}

interface Watched {
  folder: FolderRef;
  watcher: FSWatcher;
  ready: Promise<void>;
}

/**
 * Watches every enabled folder with chokidar (native events; awaitWriteFinish so half-copied
 * files are never read) and reconciles each folder when its watch starts. Folder changes from
 * the api call `sync()`; errors such as running out of inotify watches are kept per folder and
 * shown to the user instead of stopping anything.
 */
export class WatchService implements Disposable {
  private readonly watched = new Map<string, Watched>();
  private syncing: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly reconciles = new Set<Promise<unknown>>();

  constructor(
    private readonly core: Atelier,
    private readonly options: WatchServiceOptions = {},
  ) {}

  async start(): Promise<void> {
    if (this.options.createInbox !== false) await ensureInbox(this.core);
    await this.sync();
  }

  /** Starts watchers for newly enabled folders and stops those removed or paused. */
  sync(): Promise<void> {
    this.syncing = this.syncing
      .then(() => this.doSync())
      .catch((err) => appLog.error('watch', 'sync failed', err));
    return this.syncing;
  }

  /** Resolves once every watcher finished its start-up and every reconcile it began has ended. */
  async settled(): Promise<void> {
    await this.syncing;
    await Promise.all([...this.watched.values()].map((w) => w.ready));
    while (this.reconciles.size) await Promise.allSettled([...this.reconciles]);
  }

  private async doSync(): Promise<void> {
    if (this.disposed) return;
    const rows = statements(this.core.sqlite)
      .get('SELECT id, path, recursive, enabled FROM watch_folders')
      .all() as {
      id: string;
      path: string;
      recursive: number;
      enabled: number;
    }[];
    const wanted = new Map(
      rows
        .filter((r) => r.enabled === 1)
        .map((r) => [r.id, { id: r.id, path: r.path, recursive: r.recursive === 1 }]),
    );
    for (const [id, w] of this.watched) {
      const want = wanted.get(id);
      if (!want || want.recursive !== w.folder.recursive || want.path !== w.folder.path) {
        this.watched.delete(id);
        await w.watcher.close();
      }
    }
    const errors = folderWatchErrors(this.core);
    for (const id of [...errors.keys()]) if (!wanted.has(id)) errors.delete(id);
    for (const folder of wanted.values()) {
      if (!this.watched.has(folder.id)) this.startWatch(folder);
    }
  }

  private startWatch(folder: FolderRef): void {
    const pipeline = ingestPipeline(this.core);
    const errors = folderWatchErrors(this.core);
    errors.delete(folder.id);
    const watcher = watch(folder.path, {
      ignoreInitial: true,
      persistent: true,
      // Loops through symlinked folders are the walker's to report; chokidar would spin on them.
      followSymlinks: false,
      depth: folder.recursive ? undefined : 0,
      awaitWriteFinish: {
        stabilityThreshold: this.options.stabilityThresholdMs ?? 200,
        pollInterval: this.options.pollIntervalMs ?? 100,
      },
      ignored: (p, stats) => {
        if (p === folder.path) return false;
        if (isIgnoredName(path.basename(p))) return true;
        return stats?.isFile() === true && !isCandidateFile(p);
      },
    });
    const onFile = (p: string) => {
      if (isCandidateFile(p)) void pipeline.ingest(p);
    };
    watcher.on('add', onFile);
    watcher.on('change', onFile);
    watcher.on('unlink', (p) => void pipeline.remove(p));
    watcher.on('unlinkDir', (dir) => this.track(this.removeUnder(dir)));
    watcher.on('error', (err) => {
      errors.set(folder.id, describeWatchError(err as NodeJS.ErrnoException));
      this.core.events.emit('watchFolders.changed', { id: folder.id });
    });
    const ready = new Promise<void>((resolve) => {
      watcher.once('ready', () => {
        // Reconcile after the watch is live so nothing that changes in between is missed.
        this.track(reconcileFolder(this.core, folder));
        resolve();
      });
    });
    this.watched.set(folder.id, { folder, watcher, ready });
  }

  /** Rescans a folder now (the api's rescan, and a resume). */
  rescan(folder: FolderRef) {
    const p = reconcileFolder(this.core, folder);
    this.track(p);
    return p;
  }

  private async removeUnder(dir: string): Promise<void> {
    if (this.disposed) return;
    const lo = dir + path.sep;
    const hi = dir + String.fromCharCode(path.sep.charCodeAt(0) + 1);
    const rows = statements(this.core.sqlite)
      .get(
        'SELECT path FROM assets WHERE path > ? AND path < ? AND missing = 0 UNION ALL SELECT path FROM asset_copies WHERE path > ? AND path < ?',
      )
      .all(lo, hi, lo, hi) as { path: string }[];
    const pipeline = ingestPipeline(this.core);
    await Promise.all(rows.map((r) => pipeline.remove(r.path)));
  }

  private track(p: Promise<unknown>): void {
    if (this.disposed) return;
    const t = p
      .catch((err) => appLog.error('watch', 'reconcile failed', err))
      .finally(() => this.reconciles.delete(t));
    this.reconciles.add(t);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.syncing;
    const all = [...this.watched.values()];
    this.watched.clear();
    await Promise.all(all.map((w) => w.watcher.close()));
    await Promise.allSettled([...this.reconciles]);
  }
}

export function describeWatchError(err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOSPC' || err.code === 'EMFILE') {
    return 'The system limit on watched files was reached, so changes here are not seen live. Raise fs.inotify.max_user_watches (Linux) or watch fewer folders; a rescan still finds new files.';
  }
  if (err.code === 'ENOENT')
    return 'The folder no longer exists (unplugged drive or moved folder?)';
  if (err.code === 'EACCES' || err.code === 'EPERM')
    return 'Permission denied: Atelier cannot read this folder';
  return err.message || String(err);
}

const services = new WeakMap<Atelier, WatchService>();

/** The running watch service of a core, or null where services are off (CLI, most tests). */
export function watchServiceOf(core: Atelier): WatchService | null {
  return services.get(core) ?? null;
}

export async function startWatchService(
  core: Atelier,
  options: WatchServiceOptions = {},
): Promise<WatchService> {
  const existing = services.get(core);
  if (existing) return existing;
  // The pipeline first: disposal runs in reverse, so watchers stop before the pipeline drains.
  ingestPipeline(core);
  const service = new WatchService(core, options);
  services.set(core, service);
  // Registered before start so a failed start still closes what it opened; idempotent.
  core.disposables.add(service);
  await service.start();
  return service;
}
