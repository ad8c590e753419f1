import {
  copyFileSync,
  constants,
  linkSync,
  mkdirSync,
  renameSync,
  statSync,
  rmSync,
  unlinkSync,
  utimesSync,
} from 'node:fs';
import path from 'node:path';
import type { PlacementJournal } from '../jobs/placementJournal';

/** `castle.png` + `x4` + `png` → `castle_x4.png`; the stem is kept readable and bounded. */
export function outputName(sourceFile: string, suffix: string, ext: string): string {
  const stem = path.basename(sourceFile, path.extname(sourceFile)).slice(0, 150);
  return `${stem}_${suffix}.${ext}`;
}

function candidate(dir: string, name: string, n: number): string {
  if (n === 1) return path.join(dir, name);
  const ext = path.extname(name);
  return path.join(dir, `${name.slice(0, -ext.length || undefined)}-${n}${ext}`);
}

/**
 * Moves a finished temp file to its final name without ever overwriting anything: a hard link
 * fails if the name exists (atomic, unlike check-then-rename), so two jobs cannot race for one
 * name. Across file systems the file is copied to a hidden partial name first, then linked.
 */
export function placeOutput(
  tempFile: string,
  dir: string,
  name: string,
  journal?: PlacementJournal,
): string {
  mkdirSync(dir, { recursive: true });
  for (let n = 1; n < 10_000; n++) {
    const target = candidate(dir, name, n);
    try {
      journal?.(target, tempFile);
      linkSync(tempFile, target);
      unlinkSync(tempFile);
      return target;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw err;
    }
    // Another file system, or one without hard links.
    const partial = path.join(dir, `.${path.basename(target)}.atelier-partial`);
    copyFileSync(tempFile, partial, constants.COPYFILE_EXCL);
    // The copy keeps the original's times: the asset row records them, and media served by id
    // is checked against them (media/openMedia.ts).
    const { atime, mtime } = statSync(tempFile);
    utimesSync(partial, atime, mtime);
    try {
      journal?.(target, partial);
      try {
        linkSync(partial, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        renameSync(partial, target); // no hard links at all: rename (the name was just free)
        unlinkSync(tempFile);
        return target;
      }
      unlinkSync(tempFile);
      return target;
    } finally {
      rmSync(partial, { force: true });
    }
  }
  throw new Error(`Could not find a free name for ${name} in ${dir}`);
}
