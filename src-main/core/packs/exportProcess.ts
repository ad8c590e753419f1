import type { Serializable } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkNodeProcess } from '../engines/runProgram';
import { bundleSourceEntry } from '../util/sourceBundle';
import type { ExportWork, WriteRunOptions, WrittenExport } from './writeExport';

export type ExportReply =
  | { type: 'progress'; fraction: number; message: string }
  | { type: 'done'; result: WrittenExport }
  | { type: 'error'; message: string; code?: string; path?: string };

/** electron-vite emits the child's entry under this name beside the main bundle (vite.config.ts). */
export const EXPORT_ENTRY_BUNDLED = 'exportProcess.js';

/**
 * The script to fork: the entry electron-vite built beside the main bundle (index.js, or a
 * shared chunk one folder down), or, when this module runs from source (CLI, serve, tests), the
 * TypeScript entry bundled the same way on first use (util/sourceBundle.ts).
 */
async function exportEntry(): Promise<string> {
  const here = fileURLToPath(import.meta.url);
  const dir = path.dirname(here);
  if (/\.[cm]?ts$/.test(here))
    return bundleSourceEntry(path.join(dir, 'exportProcessMain.ts'), 'exportProcess.mjs');
  for (const d of [dir, path.dirname(dir)]) {
    const file = path.join(d, EXPORT_ENTRY_BUNDLED);
    if (existsSync(file)) return file;
  }
  throw new Error(
    `The export process entry ${EXPORT_ENTRY_BUNDLED} is missing beside ${here}; rebuild the app.`,
  );
}

/**
 * Writes an export (writeExport.ts) in a short-lived process of its own. The app's process, which
 * holds the Library and the UI's connection, keeps its memory and its event loop: what an export
 * needs (read and write buffers, the verifier's thread, contact-sheet pixels, libvips and glibc
 * arenas) is held by a process that hands all of it back to the OS when it exits, where a
 * long-running app would keep the arenas' high-water mark for good.
 * Its heap is bounded from the start, which can only be set when a process starts: a 1 MB V8
 * young generation (its garbage is small and short-lived; data lives in reused buffers outside
 * the heap), two glibc malloc arenas, and a fixed 128 KiB mmap threshold so libvips' large
 * buffers go back to the OS when freed (unless the user set these themselves).
 * An abort kills it (SIGTERM, then SIGKILL if it does not go); the caller removes its temp files.
 */
export async function writeExportInOwnProcess(
  work: ExportWork,
  run: Omit<WriteRunOptions, 'sink'> = {},
): Promise<WrittenExport> {
  const { signal } = run;
  const entry = await exportEntry();
  if (signal?.aborted) throw signal.reason;
  let result: WrittenExport | null = null;
  let error: Extract<ExportReply, { type: 'error' }> | null = null;
  const child = forkNodeProcess(entry, {
    label: 'export process',
    execArgv: ['--max-semi-space-size=1'],
    // The user's own malloc settings win over these defaults.
    env: {
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072',
    },
    signal,
    // A child busy in native code may not get to its SIGTERM handler soon.
    killAfterMs: 2000,
    onMessage: (message) => {
      const m = message as ExportReply;
      if (m.type === 'progress') run.onProgress?.(m.fraction, m.message);
      else if (m.type === 'done') result ??= m.result;
      else error ??= m;
    },
  });
  child.send(work as unknown as Serializable);
  const exit = await child.exited;
  if (signal?.aborted) throw signal.reason;
  if (result) return result;
  const failed = error as Extract<ExportReply, { type: 'error' }> | null;
  if (failed) {
    // Keeps the errno code (ENOSPC, EACCES…) so the export can say what went wrong.
    throw Object.assign(new Error(failed.message), { code: failed.code, path: failed.path });
  }
  const lastLines = child.stderrTail().trim().split('\n').slice(-3).join(' ');
  throw new Error(
    `The export process stopped: ${exit.spawnError?.message ?? (lastLines || `it exited with ${exit.signal ?? exit.exitCode}`)}`,
  );
}
