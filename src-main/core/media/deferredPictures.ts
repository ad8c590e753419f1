import { existsSync } from 'node:fs';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { drawMediaPictures } from '../thumbs/mediaPictures';
import { thumbPath } from '../thumbs/paths';
import { appLog } from '../log/appLog';

/**
 * Waveforms and posters of job outputs are drawn off the job's critical path.
 *
 * A job's output is registered as soon as it is hashed and probed, and its cpu slot has already
 * gone to the next job (ctx.engineDone). Drawing the picture then (~50 ms of waveform and WebP
 * encodes per WAV, a poster extraction per video) ran beside the next ffmpeg on the other core
 * and slowed it more than the drawing cost: afftdn and the video filters run on both cores.
 * So pictures wait until no cpu or gpu job is running (at most MAX_WAIT_MS), and anything that
 * asks for one before then through resolveMedia (the grid, the detail panel) has it drawn on the
 * spot by ensureMediaPictures; a pack's contact sheet draws its own from the file when the
 * thumbnail is missing (packs/previews.ts). Nothing is persisted: after a crash the pictures are simply
 * drawn on first request, as for any asset whose thumbnails were removed.
 */

interface PictureAsset {
  id: string;
  path: string;
  type: string;
  thumb_key: string | null;
  duration_sec: number | null;
  phash: string | null;
}

const POLL_MS = 150;
/** A long batch still gets its pictures: after this long they are drawn beside the jobs. */
const MAX_WAIT_MS = 10_000;

const inFlight = new Map<string, Promise<void>>();

function pictureVariant(type: string): 'waveform' | 'poster' | null {
  return type === 'audio' ? 'waveform' : type === 'video' ? 'poster' : null;
}

/** True when the asset is audio or video and its waveform or poster (and thumbnails) exist. */
function hasPictures(core: Atelier, a: PictureAsset): boolean {
  const v = pictureVariant(a.type);
  if (!v || !a.thumb_key) return true;
  return (
    existsSync(thumbPath(core.layout, a.thumb_key, v)) &&
    existsSync(thumbPath(core.layout, a.thumb_key, 'thumb-small'))
  );
}

function loadAsset(core: Atelier, id: string): PictureAsset | undefined {
  return statements(core.sqlite)
    .get('SELECT id, path, type, thumb_key, duration_sec, phash FROM assets WHERE id = ?')
    .get(id) as PictureAsset | undefined;
}

/**
 * Draws an audio or video asset's pictures if they are missing; concurrent callers for the same
 * content share one drawing. A video's poster also gives the perceptual hash near-duplicate
 * search uses, written here when the row has none. Rejects when the file cannot be decoded.
 */
export function ensureMediaPictures(core: Atelier, asset: PictureAsset): Promise<void> {
  const kind = asset.type;
  if ((kind !== 'audio' && kind !== 'video') || !asset.thumb_key || hasPictures(core, asset))
    return Promise.resolve();
  const key = asset.thumb_key;
  let job = inFlight.get(key);
  if (!job) {
    job = (async () => {
      const phash = await drawMediaPictures(asset.path, kind, asset.duration_sec, key, core.layout);
      if (phash && !asset.phash) {
        statements(core.sqlite)
          .get('UPDATE assets SET phash = ? WHERE thumb_key = ? AND phash IS NULL')
          .run(phash, key);
      }
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, job);
  }
  return job;
}

class PictureBacklog {
  private readonly waiting = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private disposed = false;

  constructor(private readonly core: Atelier) {
    core.disposables.add({ dispose: () => this.dispose() });
  }

  add(assetId: string): void {
    if (this.disposed) return;
    if (!this.waiting.has(assetId)) this.waiting.set(assetId, Date.now());
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.draining || this.waiting.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.mayDraw()) void this.drain(false);
      else this.schedule();
    }, POLL_MS);
    this.timer.unref();
  }

  /** Whether the oldest waiting picture may be drawn now: the engines are idle, or it waited long enough. */
  private mayDraw(): boolean {
    const [oldest] = this.waiting.values();
    return oldest !== undefined && (Date.now() - oldest >= MAX_WAIT_MS || !this.enginesBusy());
  }

  private enginesBusy(): boolean {
    const row = statements(this.core.sqlite)
      .get(
        "SELECT 1 AS busy FROM jobs WHERE status = 'running' AND lease_pool IN ('cpu', 'gpu') LIMIT 1",
      )
      .get() as { busy: number } | undefined;
    return !!row;
  }

  /**
   * Draws waiting pictures one asset at a time, oldest first; unless `all`, it stops when a job
   * starts and what is left has not waited MAX_WAIT_MS yet (a long batch gets each picture about
   * that long after its output, not all of them beside its remaining jobs).
   */
  async drain(all = true): Promise<void> {
    // One drawing at a time: wait out a drain under way, then go on from where it stopped.
    while (this.draining) await this.draining;
    if (this.waiting.size === 0) return;
    this.draining = this.drawWaiting(all).finally(() => {
      this.draining = null;
      if (!this.disposed) this.schedule();
    });
    await this.draining;
  }

  private async drawWaiting(all: boolean): Promise<void> {
    while (this.waiting.size && (all || this.mayDraw())) {
      const [id] = this.waiting.keys();
      this.waiting.delete(id!);
      const asset = loadAsset(this.core, id!);
      if (!asset) continue;
      try {
        await ensureMediaPictures(this.core, asset);
      } catch (err) {
        // The file was removed or damaged since its job: the grid shows the type's icon, and
        // a request for the picture answers "not found" with the reason.
        appLog.warn('pictures', `${asset.path}: ${(err as Error).message}`);
      }
    }
  }

  private async dispose(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.disposed = true;
    // A CLI run that exits right after its job still leaves the pictures made.
    await this.drain();
  }
}

const backlogs = new WeakMap<Atelier, PictureBacklog>();

function backlogOf(core: Atelier): PictureBacklog {
  let b = backlogs.get(core);
  if (!b) {
    b = new PictureBacklog(core);
    backlogs.set(core, b);
  }
  return b;
}

/** Queues the pictures of a just-registered audio or video asset (see the module comment). */
export function deferPictures(core: Atelier, assetId: string): void {
  backlogOf(core).add(assetId);
}

/** Draws every deferred picture now (tests, and hosts that want them before going on). */
export function drainPictures(core: Atelier): Promise<void> {
  return backlogs.get(core)?.drain() ?? Promise.resolve();
}
