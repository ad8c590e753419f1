import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Engines Atelier started, written down so none outlives it unseen. Each child (the leader of
 * its own process group) gets a pid file in the data dir's tmp/pids/ while it runs. After a crash
 * or kill -9, ffmpeg or upscayl-bin kept running with ppid 1 (an orphan encode still ran 94 s
 * later, beside the re-queued job's own, out of reach of cancel): at start-up, before any job is
 * re-queued, `killOrphans` ends every process group whose owner is gone, checking the process's
 * start time so a reused pid is never hit. On Linux children also get the parent-death signal
 * (setpriv --pdeathsig), so most die with the app at once.
 */

interface PidRecord {
  pid: number;
  /** The Atelier process that started it. */
  owner: number;
  /** /proc/<pid>/stat start time (clock ticks since boot), to tell a reused pid apart. */
  startTicks: number | null;
  label: string;
  startedAt: string;
}

let pidDir: string | null = null;

/** Where pid files go (the data dir's tmp/pids); set when a library opens. */
export function trackChildrenIn(dir: string | null): void {
  pidDir = dir;
  if (dir) mkdirSync(dir, { recursive: true });
}

function startTicks(pid: number): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return null;
  }
}

export function recordChild(pid: number, label: string): void {
  if (!pidDir) return;
  const rec: PidRecord = {
    pid,
    owner: process.pid,
    startTicks: startTicks(pid),
    label,
    startedAt: new Date().toISOString(),
  };
  try {
    writeFileSync(path.join(pidDir, `${pid}.json`), JSON.stringify(rec));
  } catch {
    // A full disk must not stop the engine; the parent-death signal still covers it.
  }
}

export function forgetChild(pid: number): void {
  if (!pidDir) return;
  rmSync(path.join(pidDir, `${pid}.json`), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Ends the process groups of children whose Atelier is gone, and forgets their pid files.
 * Returns what was killed ("ffmpeg (pid 4242)"). Children of a live Atelier are left alone.
 */
export function killOrphans(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const killed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    let rec: PidRecord;
    try {
      rec = JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
    } catch {
      rmSync(file, { force: true });
      continue;
    }
    if (rec.owner !== process.pid && alive(rec.owner)) continue; // another live Atelier's
    if (rec.owner === process.pid) continue;
    const same =
      alive(rec.pid) && (rec.startTicks === null || startTicks(rec.pid) === rec.startTicks);
    if (same) {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        try {
          if (process.platform === 'win32') process.kill(rec.pid, signal);
          else process.kill(-rec.pid, signal);
        } catch {
          // Gone already.
        }
      }
      killed.push(`${rec.label} (pid ${rec.pid})`);
    }
    rmSync(file, { force: true });
  }
  return killed;
}

/** Linux's util-linux `setpriv`, to start a child with a parent-death signal; null elsewhere. */
let setprivPath: string | null | undefined;
export function pdeathsigWrapper(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform === 'linux' && !process.env.ATELIER_NO_PDEATHSIG)
    for (const p of ['/usr/bin/setpriv', '/bin/setpriv'])
      if (existsSync(p)) {
        setprivPath = p;
        break;
      }
  return setprivPath;
}
