import {
  fork,
  spawn,
  type ChildProcess,
  type Serializable,
  type StdioOptions,
} from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { AppError } from '../../contract/errors';
import { logEngineCommand } from '../log/appLog';
import { forgetChild, pdeathsigWrapper, recordChild } from '../util/childProcesses';
import { LineSplitter, type ParsedProgress, type ProgressParser } from './progressParsers';

/**
 * The one way Atelier starts another process. Everything that runs a program goes through
 * `startProgram` (or `runProgram` / `forkNodeProcess`, built on the same parts), so every child:
 * - gets an environment without the variables that inject code (NODE_OPTIONS, LD_PRELOAD…);
 * - leads its own process group, so a cancel or a timeout kills the whole tree (engines fork);
 * - has its command line in the application log, secrets redacted;
 * - reports a missing program as `engine_missing` and a failure as `engine_failed` with the
 *   program's own last words.
 */

export interface SpawnOptions {
  /** Shown in errors and logs: "ffmpeg", "Real-ESRGAN". */
  label: string;
  cwd?: string;
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL of the whole tree on cancel or timeout. */
  killAfterMs?: number;
  /** Kill the tree and fail after this long. */
  timeoutMs?: number;
  /**
   * Background work (probes while ingesting): a lower OS priority, and spawns spaced one
   * event-loop turn apart, since forking a large process blocks the main thread for tens of ms.
   */
  background?: boolean;
  /** Added to the scrubbed environment. */
  env?: Record<string, string>;
}

export interface StartOptions extends SpawnOptions {
  stdin?: 'ignore' | 'pipe';
  stdout?: 'ignore' | 'pipe';
  stderr?: 'ignore' | 'pipe';
}

export interface ProgramExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (ENOENT, EACCES…). */
  spawnError: NodeJS.ErrnoException | null;
  timedOut: boolean;
  cancelled: boolean;
}

export interface ProgramHandle {
  readonly pid: number | undefined;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ProgramExit>;
  /** Signals the whole process tree; SIGKILL follows after `killAfterMs`. */
  stop(): void;
  /** Signals the whole process tree now, with no grace period. */
  kill(signal: NodeJS.Signals): void;
}

/** Variables that would let the environment inject code into a child we start. */
const dangerousEnv = [
  'NODE_OPTIONS',
  'ELECTRON_RUN_AS_NODE',
  'LD_PRELOAD',
  'LD_AUDIT',
  'DYLD_INSERT_LIBRARIES',
  'DYLD_LIBRARY_PATH',
];

export function cleanEnv(extra?: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of dangerousEnv) delete env[k];
  return { ...env, ...extra };
}

/** Kills the child's whole process group (it was started detached, so it leads one). */
export function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    if (process.platform === 'win32') {
      // taskkill /T walks the tree; /F forces. No shell: the pid is a number.
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], {
        stdio: 'ignore',
        windowsHide: true,
      }).on('error', () => undefined);
    } else {
      process.kill(-pid, signal);
    }
  } catch {
    // Already gone.
  }
}

let spawnChain: Promise<void> = Promise.resolve();
function spawnTurn(): Promise<void> {
  const turn = spawnChain.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  spawnChain = turn;
  return turn;
}

/** Wires cancel, timeout and exit for a started child; shared by spawn and fork. */
function supervise(child: ChildProcess, options: SpawnOptions): ProgramHandle {
  const killAfter = options.killAfterMs ?? 3000;
  let timedOut = false;
  let cancelled = false;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    killTree(child.pid, 'SIGTERM');
    // Left to fire even after the leader exits: a grandchild that ignored SIGTERM still dies.
    setTimeout(() => killTree(child.pid, 'SIGKILL'), killAfter).unref();
  };
  const onAbort = () => {
    cancelled = true;
    stop();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs)
    : null;
  timer?.unref();
  if (child.pid) recordChild(child.pid, options.label);
  if (options.background && child.pid) {
    try {
      os.setPriority(child.pid, 10);
    } catch {
      // Not permitted on some systems; the program still runs.
    }
  }
  const exited = new Promise<ProgramExit>((resolve) => {
    let spawnError: NodeJS.ErrnoException | null = null;
    child.on('error', (err: NodeJS.ErrnoException) => {
      // 'error' without 'close' happens when the program never started.
      spawnError = err;
      if (child.pid === undefined) finish(null, null);
    });
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (child.pid) forgetChild(child.pid);
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode, signal, spawnError, timedOut, cancelled });
    };
    child.on('close', (code, signal) => finish(code, signal));
  });
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    stop,
    kill: (signal) => killTree(child.pid, signal),
  };
}

/**
 * Starts a program and hands back its streams: for callers that feed it or read binary output
 * (the contact-sheet tile decoder). Everyone else wants `runProgram`.
 */
export function startProgram(file: string, args: string[], options: StartOptions): ProgramHandle {
  if (options.signal?.aborted) {
    throw new AppError('cancelled', `${options.label} was cancelled before it started`);
  }
  logEngineCommand(options.label, file, args);
  const stdio: StdioOptions = [
    options.stdin ?? 'ignore',
    options.stdout ?? 'pipe',
    options.stderr ?? 'pipe',
  ];
  // On Linux an engine also dies with the app (parent-death signal through util-linux's setpriv).
  // Only for a program that exists: a missing one must still fail as ENOENT, not as setpriv's.
  const wrapper = pdeathsigWrapper();
  const wrap = wrapper !== null && path.isAbsolute(file) && existsSync(file);
  const child = spawn(
    wrap ? wrapper : file,
    wrap ? ['--pdeathsig', 'KILL', '--', file, ...args] : args,
    {
      cwd: options.cwd,
      env: cleanEnv(options.env),
      stdio,
      detached: process.platform !== 'win32',
      windowsHide: true,
    },
  );
  return supervise(child, options);
}

export interface RunProgramOptions extends SpawnOptions {
  /** Written to the program's stdin, which is then closed (the text a speech engine reads). */
  input?: string | Buffer;
  /** Parses progress from stdout and/or stderr lines. */
  parser?: ProgressParser;
  onProgress?(p: ParsedProgress): void;
  /** Every non-empty output line that is not progress (for the job log). */
  onLine?(stream: 'stdout' | 'stderr', line: string): void;
  /** How many trailing stderr lines to keep for the error message. */
  tailLines?: number;
  /** Keep stderr in full (for filters like loudnorm that print their result there). */
  captureStderr?: boolean;
  /** Keep stdout in full, as text or bytes (probes, frames piped out). Lines are not split then. */
  captureStdout?: 'text' | 'buffer';
  /** Return a non-zero exit instead of throwing (version probes, "did it decode"). */
  allowFailure?: boolean;
}

export interface RunProgramResult {
  exitCode: number;
  stderrTail: string[];
  stderr: string;
  stdout: string;
  stdoutBytes: Buffer | null;
  durationMs: number;
}

function missingError(label: string, file: string, err: NodeJS.ErrnoException): AppError {
  return new AppError(
    'engine_missing',
    err.code === 'EACCES'
      ? `${label} at ${file} cannot be run (permission denied). Check the file or set another path in Settings → Engines.`
      : `${label} was not found at ${file}. Install it or set its path in Settings → Engines.`,
    { file },
  );
}

/**
 * Runs a program to its end: output split on \r and \n, progress parsed by a pure parser, the
 * last stderr lines kept for the error, cancel through an AbortSignal that kills the whole tree.
 */
export async function runProgram(
  file: string,
  args: string[],
  options: RunProgramOptions,
): Promise<RunProgramResult> {
  const { label, parser } = options;
  const tailMax = options.tailLines ?? 20;
  const started = performance.now();
  if (options.background) await spawnTurn();
  const handle = startProgram(file, args, {
    ...options,
    ...(options.input !== undefined ? { stdin: 'pipe' as const } : {}),
  });
  if (options.input !== undefined && handle.stdin) {
    // A program that exits without reading all of it closes the pipe: that is its answer, not ours.
    handle.stdin.on('error', () => {});
    handle.stdin.end(options.input);
  }
  const tail: string[] = [];
  let fullStderr = '';
  const stdoutChunks: Buffer[] = [];
  const handleLine = (stream: 'stdout' | 'stderr', line: string) => {
    if (!line.trim()) return;
    const p = parser?.feed(line);
    if (p) {
      options.onProgress?.(p);
      return;
    }
    if (stream === 'stdout' && parser?.isProgressLine?.(line)) return;
    if (stream === 'stderr') {
      tail.push(line);
      if (tail.length > tailMax) tail.shift();
    }
    options.onLine?.(stream, line);
  };
  const drained: Promise<void>[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    const s = handle[stream];
    if (!s) continue;
    drained.push(new Promise((resolve) => s.once('close', resolve).once('end', resolve)));
    if (stream === 'stdout' && options.captureStdout) {
      s.on('data', (chunk: Buffer) => stdoutChunks.push(chunk));
      continue;
    }
    const splitter = new LineSplitter();
    s.setEncoding('utf8');
    s.on('data', (chunk: string) => {
      if (stream === 'stderr' && options.captureStderr) fullStderr += chunk;
      for (const line of splitter.push(chunk)) handleLine(stream, line);
    });
    s.on('end', () => {
      for (const line of splitter.flush()) handleLine(stream, line);
    });
  }
  const exit = await handle.exited;
  if (exit.spawnError && handle.pid === undefined) throw missingError(label, file, exit.spawnError);
  await Promise.all(drained);
  if (exit.cancelled) throw new AppError('cancelled', `${label} was cancelled`);
  if (exit.timedOut) {
    throw new AppError(
      'engine_failed',
      `${label} did not finish within ${Math.round((options.timeoutMs ?? 0) / 100) / 10} s and was stopped`,
      { stderrTail: tail },
    );
  }
  const exitCode = exit.exitCode ?? -1;
  const stdoutBytes = options.captureStdout ? Buffer.concat(stdoutChunks) : null;
  if (exitCode !== 0 && !options.allowFailure) {
    const why = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exitCode}`;
    throw new AppError(
      'engine_failed',
      `${label} ${why}${tail.length ? `: ${tail.slice(-5).join(' | ')}` : ''}`,
      { exitCode, stderrTail: tail },
    );
  }
  return {
    exitCode,
    stderrTail: tail,
    stderr: options.captureStderr ? fullStderr : tail.join('\n'),
    stdout: options.captureStdout === 'text' ? stdoutBytes!.toString('utf8').trimEnd() : '',
    stdoutBytes: options.captureStdout === 'buffer' ? stdoutBytes : null,
    durationMs: performance.now() - started,
  };
}

export interface ForkOptions extends SpawnOptions {
  /** V8 flags for the child (`--max-semi-space-size=1`). */
  execArgv?: string[];
  onMessage?: (message: Serializable) => void;
}

export interface ForkedProcess extends ProgramHandle {
  send(message: Serializable): void;
  /** The last 4 KB the child wrote on stderr, for "it stopped: …" messages. */
  stderrTail(): string;
}

/**
 * Starts a Node entry point of our own as a separate process with an IPC channel (the export
 * writer). Through `fork`, so in Electron the app's binary runs it as Node.
 */
export function forkNodeProcess(entry: string, options: ForkOptions): ForkedProcess {
  if (options.signal?.aborted) {
    throw new AppError('cancelled', `${options.label} was cancelled before it started`);
  }
  logEngineCommand(options.label, process.execPath, [...(options.execArgv ?? []), entry]);
  const child = fork(entry, [], {
    execArgv: options.execArgv ?? [],
    env: cleanEnv(options.env),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    cwd: options.cwd,
    detached: process.platform !== 'win32',
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  if (options.onMessage) child.on('message', options.onMessage);
  const handle = supervise(child, options);
  return {
    ...handle,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    stderrTail: () => stderr,
  };
}

/**
 * Opens something with the desktop's own program (a file manager, the default app) and does
 * not wait for it: no shell, so file names are never parsed as commands.
 */
export function launchDetached(file: string, args: string[], label: string): Promise<boolean> {
  logEngineCommand(label, file, args);
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env: cleanEnv(),
      stdio: 'ignore',
      detached: true,
      windowsHide: true,
    });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
