import { closeSync, existsSync, openSync, readSync, statSync, watch } from 'node:fs';
import path from 'node:path';
import { LOG_FILE, type LogLevel } from './appLog';

/** The application log, read back: `atelier logs`. */

const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const linePattern = /^\S+ (DEBUG|INFO|WARN|ERROR)\s+\[/;

export interface LogFilter {
  /** Lines at this level or above (continuation lines go with their first line). */
  level?: LogLevel;
  /** Lines that mention this text (a job id, a request id, a method). */
  grep?: string;
}

function keep(entry: string, filter: LogFilter): boolean {
  const m = linePattern.exec(entry);
  if (filter.level && m && levelRank[m[1]!.toLowerCase() as LogLevel] < levelRank[filter.level])
    return false;
  return !filter.grep || entry.includes(filter.grep);
}

/** Splits text into entries: a line and the indented lines that continue it (a stack trace). */
function entries(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    if (/^\s/.test(line) && out.length) out[out.length - 1] += `\n${line}`;
    else out.push(line);
  }
  return out;
}

export function logFileIn(logsDir: string): string {
  return path.join(logsDir, LOG_FILE);
}

/** The last `lines` entries that pass the filter, reading at most the file's last 4 MB. */
export function tailLog(logsDir: string, lines: number, filter: LogFilter = {}): string[] {
  const file = logFileIn(logsDir);
  if (!existsSync(file)) return [];
  const size = statSync(file).size;
  const from = Math.max(0, size - 4 * 1024 * 1024);
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    let text = buf.toString('utf8');
    // Started mid-line: drop the partial first line.
    if (from > 0) text = text.slice(text.indexOf('\n') + 1);
    return entries(text)
      .filter((e) => keep(e, filter))
      .slice(-lines);
  } finally {
    closeSync(fd);
  }
}

/**
 * Calls `onEntries` with what is appended from now on, across rotations (the file starting
 * over smaller), until `signal` aborts.
 */
export function followLog(
  logsDir: string,
  filter: LogFilter,
  onEntries: (entries: string[]) => void,
  signal: AbortSignal,
): Promise<void> {
  const file = logFileIn(logsDir);
  let offset = existsSync(file) ? statSync(file).size : 0;
  let pending = '';
  const read = () => {
    if (!existsSync(file)) return;
    const size = statSync(file).size;
    if (size < offset) offset = 0; // rotated
    if (size === offset) return;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size - offset);
      readSync(fd, buf, 0, buf.length, offset);
      offset = size;
      const text = pending + buf.toString('utf8');
      const cut = text.lastIndexOf('\n');
      pending = text.slice(cut + 1);
      const got = entries(text.slice(0, cut + 1)).filter((e) => keep(e, filter));
      if (got.length) onEntries(got);
    } finally {
      closeSync(fd);
    }
  };
  return new Promise((resolve) => {
    // fs.watch on the folder sees the file being replaced at rotation; the timer covers
    // file systems where watching is not told of appends.
    const watcher = watch(logsDir, () => read());
    const timer = setInterval(read, 500);
    signal.addEventListener(
      'abort',
      () => {
        watcher.close();
        clearInterval(timer);
        resolve();
      },
      { once: true },
    );
  });
}
