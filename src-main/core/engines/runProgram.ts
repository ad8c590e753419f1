import { execa } from 'execa';
import { AppError } from '../../contract/errors';
import { LineSplitter, type ParsedProgress, type ProgressParser } from './progressParsers';

export interface RunProgramOptions {
  /** Shown in errors: "ffmpeg", "Real-ESRGAN". */
  label: string;
  signal?: AbortSignal;
  /** Parses progress from stdout and/or stderr lines. */
  parser?: ProgressParser;
  onProgress?(p: ParsedProgress): void;
  /** Every non-empty output line that is not progress (for the job log). */
  onLine?(stream: 'stdout' | 'stderr', line: string): void;
  cwd?: string;
  /** Time between SIGTERM and SIGKILL of the whole process tree. */
  killAfterMs?: number;
  /** How many trailing stderr lines to keep for the error message. */
  tailLines?: number;
  /** Keep stderr in full (for filters like loudnorm that print their result there). */
  captureStderr?: boolean;
}

export interface RunProgramResult {
  exitCode: number;
  stderrTail: string[];
  stderr: string;
  durationMs: number;
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

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of dangerousEnv) delete env[k];
  return env;
}

/** Kills the child's whole process group (it was started detached, so it leads one). */
function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    if (process.platform === 'win32') {
      // taskkill /T walks the tree; /F forces.
      void execa('taskkill', ['/pid', String(pid), '/T', '/F'], { reject: false });
    } else {
      process.kill(-pid, signal);
    }
  } catch {}
}

/**
 * The one way Atelier runs an external program: output split on \r and \n, progress parsed by a
 * pure parser, cancel through an AbortSignal that kills the whole tree (SIGTERM, then SIGKILL),
 * the last stderr lines kept for the error, and a clear error when the program is missing.
 */
export async function runProgram(
  file: string,
  args: string[],
  options: RunProgramOptions,
): Promise<RunProgramResult> {
  const { label, signal, parser, onProgress, onLine } = options;
  const tailMax = options.tailLines ?? 20;
  if (signal?.aborted) throw new AppError('cancelled', `${label} was cancelled before it started`);
  const started = performance.now();
  const child = execa(file, args, {
    cwd: options.cwd,
    env: cleanEnv(),
    extendEnv: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    detached: process.platform !== 'win32',
    windowsHide: true,
    cleanup: true,
    cancelSignal: signal,
    forceKillAfterDelay: options.killAfterMs ?? 3000,
  });
  const tail: string[] = [];
  let full = '';
  const handle = (stream: 'stdout' | 'stderr', line: string) => {
    if (!line.trim()) return;
    const p = parser?.feed(line);
    if (p) {
      onProgress?.(p);
      return;
    }
    if (stream === 'stdout' && parser?.isProgressLine?.(line)) return;
    if (stream === 'stderr') {
      tail.push(line);
      if (tail.length > tailMax) tail.shift();
    }
    onLine?.(stream, line);
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    const splitter = new LineSplitter();
    const s = child[stream];
    s?.setEncoding('utf8');
    s?.on('data', (chunk: string) => {
      if (stream === 'stderr' && options.captureStderr) full += chunk;
      for (const line of splitter.push(chunk)) handle(stream, line);
    });
    s?.on('end', () => {
      for (const line of splitter.flush()) handle(stream, line);
    });
  }
  const onAbort = () => {
    // execa signals only the direct child; engines may fork workers, so signal the group.
    killTree(child.pid, 'SIGTERM');
    // Left to fire even after the leader exits: a grandchild that ignored SIGTERM still dies.
    setTimeout(() => killTree(child.pid, 'SIGKILL'), options.killAfterMs ?? 3000).unref();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const r = await child;
    if (signal?.aborted || r.isCanceled) {
      throw new AppError('cancelled', `${label} was cancelled`);
    }
    const code = (r as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES') {
      throw new AppError(
        'engine_missing',
        code === 'ENOENT'
          ? `${label} was not found at ${file}. Install it or set its path in Settings → Engines.`
          : `${label} at ${file} cannot be run (permission denied). Check the file or set another path in Settings → Engines.`,
        { file },
      );
    }
    const exitCode = r.exitCode ?? -1;
    if (exitCode !== 0) {
      const why = r.signal ? `was killed by ${r.signal}` : `exited with code ${exitCode}`;
      throw new AppError(
        'internal',
        `${label} ${why}${tail.length ? `: ${tail.slice(-5).join(' | ')}` : ''}`,
        {
          exitCode,
          stderrTail: tail,
        },
      );
    }
    return { exitCode, stderrTail: tail, stderr: full, durationMs: performance.now() - started };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
