import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * The application log, `logs/atelier.log`: one line per event with its time, level, scope and
 * the request or job it belongs to, so "what did Atelier run for that export" has an answer.
 * Rotated at 5 MB, three old files kept. Writes are synchronous appends to an open descriptor
 * (a few microseconds each): a line written just before a crash is a line that survives it.
 * Process-wide, because the process runner logs every command line without a core at hand.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Who and what a log line belongs to; carried through async calls. */
export interface LogContext {
  requestId?: string;
  jobId?: string;
  userId?: string;
}

const context = new AsyncLocalStorage<LogContext>();
const MAX_BYTES = 5 * 1024 * 1024;
const KEEP = 3;

interface Sink {
  file: string;
  fd: number;
  size: number;
}
let sink: Sink | null = null;
let echoErrors = true;

export const LOG_FILE = 'atelier.log';

/** Opens the log in `dir` (the data dir's logs/); lines before this go only to stderr. */
export function openAppLog(dir: string, options: { echoErrors?: boolean } = {}): () => void {
  closeAppLog();
  const file = path.join(dir, LOG_FILE);
  const fd = openSync(file, 'a');
  sink = { file, fd, size: fstatSync(fd).size };
  echoErrors = options.echoErrors ?? true;
  const mine = sink;
  return () => {
    if (sink === mine) closeAppLog();
  };
}

export function closeAppLog(): void {
  if (!sink) return;
  try {
    closeSync(sink.fd);
  } catch {}
  sink = null;
}

function rotate(s: Sink): void {
  closeSync(s.fd);
  rmSync(`${s.file}.${KEEP}`, { force: true });
  for (let i = KEEP - 1; i >= 1; i--) {
    try {
      renameSync(`${s.file}.${i}`, `${s.file}.${i + 1}`);
    } catch {}
  }
  renameSync(s.file, `${s.file}.1`);
  s.fd = openSync(s.file, 'a');
  s.size = 0;
}

/** Runs `fn` with `ctx` merged into the context every line written inside it carries. */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return context.run({ ...context.getStore(), ...ctx }, fn);
}

export function currentLogContext(): LogContext {
  return context.getStore() ?? {};
}

/** Secrets never reach the log: tokens and passwords in arguments, URLs and headers. */
export function redact(text: string): string {
  return text
    .replace(/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1***@')
    .replace(/([?&](?:token|key|api_key|apikey|password|secret|access_token)=)[^&\s"]+/gi, '$1***')
    .replace(
      /(\b(?:authorization|x-api-key)\s*[:=]\s*)("?)(?:bearer\s+|basic\s+)?[^\s",]+/gi,
      '$1$2***',
    )
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***');
}

const secretFlags = /^--?(token|api-key|apikey|password|secret|auth|hf-token|key)$/i;

export function redactArgs(args: string[]): string[] {
  return args.map((a, i) =>
    i > 0 && secretFlags.test(args[i - 1]!)
      ? '***'
      : redact(a.replace(/^(--?(?:token|password|api-key|secret)=).*/i, '$1***')),
  );
}

export function writeLog(level: LogLevel, scope: string, message: string): void {
  const ctx = context.getStore();
  const tags = [
    ctx?.requestId ? `req=${ctx.requestId}` : '',
    ctx?.jobId ? `job=${ctx.jobId}` : '',
    ctx?.userId ? `user=${ctx.userId}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const text = redact(message).replace(/\r?\n/g, '\n    ');
  const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${scope}]${tags ? ` ${tags}` : ''} ${text}\n`;
  if (level === 'error' && echoErrors) process.stderr.write(`[${scope}] ${text}\n`);
  const s = sink;
  if (!s) return;
  try {
    const bytes = Buffer.from(line, 'utf8');
    if (s.size + bytes.length > MAX_BYTES && s.size > 0) rotate(s);
    writeSync(s.fd, bytes);
    s.size += bytes.length;
  } catch {
    // A full disk must not take the app down with it; the line is lost.
  }
}

export const appLog = {
  debug: (scope: string, message: string) => writeLog('debug', scope, message),
  info: (scope: string, message: string) => writeLog('info', scope, message),
  warn: (scope: string, message: string) => writeLog('warn', scope, message),
  error: (scope: string, message: string, err?: unknown) =>
    writeLog(
      'error',
      scope,
      err === undefined
        ? message
        : `${message}: ${err instanceof Error ? (err.stack ?? err.message) : typeof err === 'string' ? err : JSON.stringify(err)}`,
    ),
};

const quoteArg = (a: string) => (/[\s"'$`\\]/.test(a) ? JSON.stringify(a) : a);

/** The command line of every program Atelier starts. */
export function logEngineCommand(label: string, file: string, args: string[]): void {
  writeLog('info', 'engine', `${label}: ${[file, ...redactArgs(args)].map(quoteArg).join(' ')}`);
}
