import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
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

/**
 * One writer per data directory. SQLite would let two processes write, but two watchers and two
 * job runners over one library would ingest twice and run jobs twice. The lock file is created
 * with O_EXCL; a lock left by a dead process (crash, kill -9) is taken over.
 */
export function acquireDataDirLock(lockPath: string, host: string): DataDirLock {
  const info: LockInfo = {
    pid: process.pid,
    hostname: os.hostname(),
    host,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
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
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
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
    rmSync(lockPath, { force: true });
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
