import { closeSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { AppError } from '../../contract/errors';

interface LockInfo {
  pid: number;
  hostname: string;
  host: string;
  startedAt: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks this process holds: a second open in the same process must be refused too. */
const heldHere = new Set<string>();

export interface DataDirLock {
  release(): void;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Creates `file` holding `text`, only if it does not exist, atomically: written to a private
 * temp file first, then hard-linked into place, so nobody ever reads it empty or half written.
 */
function createExclusive(file: string, text: string): boolean {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(temp, 'wx');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(temp, { force: true });
  }
}

const sameHolder = (a: LockInfo | null, b: LockInfo | null) =>
  !!a && !!b && a.pid === b.pid && a.startedAt === b.startedAt && a.hostname === b.hostname;

/**
 * Removes a stale lock, if it is still the one found stale: under a second, short-lived lock of
 * its own, so two processes taking over the same stale lock cannot both win (one removing the
 * fresh lock the other just made).
 */
function removeStale(lockPath: string, stale: LockInfo | null): void {
  const guard = `${lockPath}.takeover`;
  if (!createExclusive(guard, JSON.stringify({ pid: process.pid }))) {
    const owner = readLock(guard);
    // A takeover abandoned by a process that died in it.
    if (!owner || !processAlive(owner.pid)) rmSync(guard, { force: true });
    else sleep(20);
    return;
  }
  try {
    const now = readLock(lockPath);
    if (now === null ? stale === null : sameHolder(now, stale)) rmSync(lockPath, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
}

/**
 * One writer per data directory. SQLite would let two processes write, but two watchers and two
 * job runners over one library would ingest twice and run jobs twice. The lock file is created
 * exclusively and whole; a lock left by a dead process (crash, kill -9) is taken over, by one
 * process only however many try at once.
 */
export function acquireDataDirLock(lockPath: string, host: string): DataDirLock {
  const info: LockInfo = {
    pid: process.pid,
    hostname: os.hostname(),
    host,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(lockPath, JSON.stringify(info))) {
      heldHere.add(lockPath);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        heldHere.delete(lockPath);
        process.off('exit', release);
        try {
          const current = JSON.parse(readFileSync(lockPath, 'utf8')) as LockInfo;
          if (current.pid === process.pid) rmSync(lockPath, { force: true });
        } catch {}
      };
      process.on('exit', release);
      return { release };
    }
    const holder = readLock(lockPath);
    if (
      holder &&
      holder.hostname === os.hostname() &&
      processAlive(holder.pid) &&
      (holder.pid !== process.pid || heldHere.has(lockPath))
    ) {
      throw new AppError(
        'conflict',
        `This data directory is already open in another Atelier (${holder.host}, pid ${holder.pid}, since ${holder.startedAt}). ` +
          `Close that one first, or choose another data directory with --data-dir.`,
        { lockPath, holder },
      );
    }
    if (holder && holder.hostname !== os.hostname()) {
      throw new AppError(
        'conflict',
        `This data directory is locked by Atelier on another computer (${holder.hostname}, pid ${holder.pid}). ` +
          `If that computer no longer uses it, delete ${lockPath}.`,
        { lockPath, holder },
      );
    }
    removeStale(lockPath, holder);
  }
  throw new AppError('conflict', `Could not take the data directory lock at ${lockPath}`);
}

export function readLock(lockPath: string): LockInfo | null {
  try {
    return JSON.parse(readFileSync(lockPath, 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

export function isDataDirLocked(lockPath: string): boolean {
  const holder = readLock(lockPath);
  return !!holder && holder.hostname === os.hostname() && processAlive(holder.pid);
}
