import { fork } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { previewDir, type PreviewJob, type PreviewSet } from './previews';

export type PreviewReply = { type: 'done'; set: PreviewSet } | { type: 'error'; message: string };

/** electron-vite emits the child's entry under this name beside the main bundle (vite.config.ts). */
export const PREVIEW_ENTRY_BUNDLED = 'previewProcess.js';

/**
 * The script to fork: the TypeScript entry through tsx when this module runs from source (CLI,
 * serve, tests), else the entry electron-vite built beside the main bundle, found from this
 * module's own location (index.js, or a shared chunk one folder down).
 */
function previewEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const dir = path.dirname(here);
  if (/\.[cm]?ts$/.test(here)) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return { file: path.join(dir, 'previewProcessMain.ts'), execArgv: ['--import', tsx] };
  }
  for (const d of [dir, path.dirname(dir)]) {
    const file = path.join(d, PREVIEW_ENTRY_BUNDLED);
    if (existsSync(file)) return { file, execArgv: [] };
  }
  throw new Error(
    `The preview process entry ${PREVIEW_ENTRY_BUNDLED} is missing beside ${here}; rebuild the app.`,
  );
}

/**
 * Draws an export's previews in a process of its own and resolves with the files it wrote into
 * `job.dir`. Decoding ~1,000 tiles with libvips leaves glibc malloc arenas holding ~200 MB
 * that the exporting process would keep until it exits; a child returns it the moment it ends.
 * The child's own peak is bounded by glibc settings (unless the user set them): two malloc
 * arenas, and a fixed 128 KiB mmap threshold, so libvips' large buffers go back to the OS when
 * freed instead of raising the threshold and staying in the heap (226 → 186 MB on the bench).
 * An abort kills the child (SIGTERM, then SIGKILL if it does not go) and removes `job.dir`;
 * so does a failure.
 */
export function makePreviews(job: PreviewJob, signal?: AbortSignal): Promise<PreviewSet> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const entry = previewEntry();
  const child = fork(entry.file, [], {
    // The child's garbage is small and short-lived (tile buffers live outside the V8 heap): a
    // 1 MB young generation instead of V8's default growth to 16 MB per semi-space saves ~17 MB
    // at no measurable cost in time.
    execArgv: [...entry.execArgv, '--max-semi-space-size=1'],
    env: { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', ...process.env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  let reply: PreviewReply | null = null;
  let failure: Error | null = null;
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    child.kill('SIGTERM');
    // A child busy in native code may not get to its SIGTERM handler soon.
    killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
    killTimer.unref();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  child.on('message', (m: PreviewReply) => (reply ??= m));

  return new Promise<PreviewSet>((resolve, reject) => {
    let settled = false;
    const settle = async () => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      if (reply?.type === 'done' && !signal?.aborted) return resolve(reply.set);
      await rm(job.dir, { recursive: true, force: true }).catch(() => undefined);
      if (signal?.aborted) return reject(signal.reason);
      const lastLines = stderr.trim().split('\n').slice(-3).join(' ');
      const why =
        reply?.type === 'error'
          ? reply.message
          : (failure?.message ??
            (lastLines || `the preview process exited with ${child.signalCode ?? child.exitCode}`));
      reject(new Error(`Making the previews failed: ${why}`));
    };
    child.once('error', (err) => {
      failure ??= err;
      // A child that never started emits no 'close'.
      if (child.pid === undefined) void settle();
    });
    child.once('close', () => void settle());
    child.send(job, (err) => {
      if (err) failure ??= err;
    });
  });
}

/** Preview folders left by exports that died (crash, kill -9) are removed by the next export. */
export function removeStalePreviewDirs(
  tmp: string,
  isRunning: (exportId: string) => boolean,
): void {
  const root = previewDir(tmp);
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const n of names)
    if (!isRunning(n)) rmSync(path.join(root, n), { recursive: true, force: true });
}
