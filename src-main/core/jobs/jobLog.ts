import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
} from 'node:fs';
import path from 'node:path';
import type { JobLogLine } from '../../contract/jobs';
import type { Atelier } from '../app/atelier';
import { nowIso } from '../util/ids';
import { statements } from '../db/statements';
import { appLog } from '../log/appLog';

type Level = JobLogLine['level'];

export function jobLogPath(core: Atelier, jobId: string): string {
  return path.join(core.layout.logs, 'jobs', `${jobId}.log`);
}

/**
 * A job's log: a plain text file per job (the whole story, for support), with warnings and errors
 * also kept in job_logs so they survive log clean-ups. The file is only created once the job has
 * something to say, so thousands of quiet jobs leave no thousands of files.
 */
export class JobLog {
  private readonly file: string;
  private header: string | null;
  private created = false;

  constructor(
    private readonly core: Atelier,
    private readonly jobId: string,
    header: string,
  ) {
    this.file = jobLogPath(core, jobId);
    this.header = header;
  }

  write(level: Level, message: string): void {
    const at = nowIso();
    let text = '';
    if (this.header) {
      text += `${at} info  ${this.header}\n`;
      this.header = null;
    }
    // One line per entry: a multi-line message would break the tail parser.
    text += `${at} ${level.padEnd(5)} ${message.replace(/\r?\n/g, ' ⏎ ')}\n`;
    try {
      if (!this.created) {
        mkdirSync(path.dirname(this.file), { recursive: true });
        this.created = true;
      }
      // Synchronous appends are a few microseconds and keep lines ordered across a crash.
      appendFileSync(this.file, text);
    } catch (err) {
      appLog.error('jobs', `cannot write the log of job ${this.jobId}`, err);
    }
    if (level === 'warn' || level === 'error') {
      statements(this.core.sqlite)
        .get('INSERT INTO job_logs (job_id, at, level, message) VALUES (?, ?, ?, ?)')
        .run(this.jobId, at, level, message.slice(0, 4000));
    }
  }
}

const lineRe = /^(\S+) (debug|info|warn|error)\s+(.*)$/;

/** The last `count` lines of a job's log, read from the end of the file (bounded). */
export function readLogTail(core: Atelier, jobId: string, count: number): JobLogLine[] {
  if (count <= 0) return [];
  const file = jobLogPath(core, jobId);
  if (!existsSync(file)) {
    return (
      statements(core.sqlite)
        .get('SELECT at, level, message FROM job_logs WHERE job_id = ? ORDER BY id DESC LIMIT ?')
        .all(jobId, count) as JobLogLine[]
    ).reverse();
  }
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const want = Math.min(size, Math.max(64 * 1024, count * 300));
    const buf = Buffer.alloc(want);
    readSync(fd, buf, 0, want, size - want);
    const lines = buf.toString('utf8').split('\n');
    if (want < size) lines.shift(); // a partial first line
    return lines
      .filter(Boolean)
      .slice(-count)
      .map((l) => {
        const m = lineRe.exec(l);
        return m
          ? { at: m[1]!, level: m[2] as Level, message: m[3]! }
          : { at: '', level: 'info' as Level, message: l };
      });
  } finally {
    closeSync(fd);
  }
}
