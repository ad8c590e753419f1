import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/**
 * Called just before `file` is given the name `target`, so a crash between that and the asset
 * row can be undone at start-up (see placementJournal).
 */
export type PlacementJournal = (target: string, file: string) => void;

const JOURNAL = '.placing.json';

/**
 * Journals a placement in the job's own temp dir: the target path and the inode that will bear
 * it. The inode is what makes the clean-up safe: a name that turned out to be taken (EEXIST)
 * belongs to someone else and has another inode, so it is never removed.
 */
export function placementJournal(jobTempDir: string): PlacementJournal {
  return (target, file) => {
    const st = statSync(file);
    const fd = openSync(path.join(jobTempDir, JOURNAL), 'w');
    try {
      writeSync(fd, JSON.stringify({ target, dev: st.dev, ino: st.ino }));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };
}

export function clearPlacementJournal(jobTempDir: string): void {
  rmSync(path.join(jobTempDir, JOURNAL), { force: true });
}

/**
 * At start-up, before a dead job's temp dir is removed: an output placed under its final name
 * whose asset row was never written is removed, so the re-run does not leave a twin beside it.
 * Returns the removed path, if any.
 */
export function undoUnregisteredPlacement(
  jobTempDir: string,
  isRegistered: (file: string) => boolean,
): string | null {
  let entry: { target?: unknown; dev?: unknown; ino?: unknown };
  try {
    entry = JSON.parse(readFileSync(path.join(jobTempDir, JOURNAL), 'utf8')) as typeof entry;
  } catch {
    return null; // no journal (or a torn one: then the link never happened)
  }
  if (
    typeof entry.target !== 'string' ||
    typeof entry.dev !== 'number' ||
    typeof entry.ino !== 'number'
  )
    return null;
  try {
    const st = statSync(entry.target);
    if (st.dev !== entry.dev || st.ino !== entry.ino || isRegistered(entry.target)) return null;
    unlinkSync(entry.target);
    return entry.target;
  } catch {
    return null;
  }
}
