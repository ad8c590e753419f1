/**
 * Shared by the opt-in suites that drive real engines (sd-cli, sd-server, ComfyUI). Each suite
 * runs only when its variable points at an engine the developer built or installed; it writes the
 * engine's tiny random model with the writers in shared/engines (or reuses a file given by a
 * variable), starts servers on a free loopback port, and stops only the processes it started.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { OrderDetail } from '../../src-main/contract/generate';
import type { TestCore } from '../helpers/core';
import { JobRunner } from '../../src-main/core/api/host';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** shared/engines: the tiny-model writers and the recordings (beside the repo, or as set). */
export const enginesDir = path.resolve(
  repoRoot,
  process.env.ATELIER_ENGINES_DIR ?? '../shared/engines',
);

/**
 * Why a suite that needs a tiny model cannot have one, or null: a model file given by
 * `modelVar`, or the writer at `writer` (relative to the engines folder).
 */
export function modelProblem(modelVar: string, writer: string): string | null {
  const given = process.env[modelVar];
  if (given) return existsSync(given) ? null : `${modelVar}=${given} does not exist`;
  const file = path.join(enginesDir, writer);
  return existsSync(file)
    ? null
    : `the tiny-model writer ${file} is missing (set ATELIER_ENGINES_DIR to shared/engines, or ${modelVar} to a model file)`;
}

/** A temp folder for one suite, and its removal. */
export function suiteTemp(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The tiny model's file: the one `modelVar` names, else written into `dir` by the writer. The
 * writers are command-line scripts (they read the output path from argv and exit on a missing
 * one), so they run as a child process rather than being imported.
 */
export function tinyModel(modelVar: string, writer: string, dir: string, name: string): string {
  const given = process.env[modelVar];
  if (given) return path.resolve(given);
  const out = path.join(dir, name);
  const t0 = Date.now();
  execFileSync(process.execPath, [path.join(enginesDir, writer), out], { stdio: 'pipe' });
  console.info(`wrote ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A server process this suite started; `stop` ends only it. */
export interface StartedServer {
  url: string;
  child: ChildProcess;
  log: string;
  readyMs: number;
  stop(): Promise<void>;
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/).slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts `cmd args` (its output to `log`) and waits until `GET url + readyPath` answers 200, or
 * fails with the log's tail when the process exits or `timeoutMs` passes.
 */
export async function startServer(opts: {
  cmd: string;
  args: string[];
  cwd?: string;
  port: number;
  readyPath: string;
  log: string;
  timeoutMs: number;
}): Promise<StartedServer> {
  mkdirSync(path.dirname(opts.log), { recursive: true });
  const fd = openSync(opts.log, 'w');
  const t0 = Date.now();
  const child = spawn(opts.cmd, opts.args, {
    cwd: opts.cwd,
    stdio: ['ignore', fd, fd],
    env: process.env,
  });
  closeSync(fd);
  let exited: string | null = null;
  const gone = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.once('error', (err) => {
      exited = `could not start: ${err.message}`;
      resolve();
    });
  });
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async (): Promise<void> => {
    if (exited !== null || child.pid === undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (exited === null) child.kill('SIGKILL');
    }, 10_000);
    await gone;
    clearTimeout(timer);
  };
  for (;;) {
    if (exited !== null)
      throw new Error(
        `${path.basename(opts.cmd)} ${exited} before it was ready:\n${tail(opts.log)}`,
      );
    if (Date.now() - t0 > opts.timeoutMs) {
      await stop();
      throw new Error(
        `${path.basename(opts.cmd)} did not answer ${opts.readyPath} within ${opts.timeoutMs} ms:\n${tail(opts.log)}`,
      );
    }
    try {
      const r = await fetch(url + opts.readyPath, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, log: opts.log, readyMs: Date.now() - t0, stop };
}

/** Runs every queued job (generation items, the model hash job) until the queue is idle. */
export async function runAll(t: TestCore): Promise<number> {
  const t0 = Date.now();
  const runner = await new JobRunner(t.core, { ignorePause: true }).start();
  await runner.whenIdle();
  await runner.dispose();
  return Date.now() - t0;
}

/** The order as it ended, checked: every item complete with one asset, the order fulfilled. */
export async function fulfilledOrder(t: TestCore, orderId: string): Promise<OrderDetail> {
  const done = await t.call('orders.get', { id: orderId });
  expect(
    done.items.map((i) => [i.status, i.error]),
    JSON.stringify(done.items.map((i) => i.error)),
  ).toEqual(done.items.map(() => ['complete', null]));
  expect(done.status).toBe('fulfilled');
  for (const item of done.items) expect(item.assetIds).toHaveLength(1);
  return done;
}
