import { readdirSync } from 'node:fs';
import { link, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../contract/errors';

/**
 * Export names that never collide. Two exports of one pack in the same second once got the same
 * ZIP name and one replaced the other while both records said "completed" with different
 * SHA-256s. Each export reserves its root name (`<slug>_<stamp>`, then `-2`, `-3`…) while it
 * runs, skipping names already on disk, and its files take their final names by exclusive
 * creation: an existing file is never replaced.
 */
const reserved = new Set<string>();

function taken(outDir: string, root: string): boolean {
  if (reserved.has(path.join(outDir, root))) return true;
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    return false;
  }
  return names.some(
    (n) => n === `${root}.zip` || n.startsWith(`${root}_`) || n.startsWith(`${root}.`),
  );
}

/** Reserves a free root name in `outDir`; call the returned release when the export ends. */
export function reserveExportRoot(
  outDir: string,
  base: string,
): { root: string; release: () => void } {
  for (let i = 1; i < 1000; i++) {
    const root = i === 1 ? base : `${base}-${i}`;
    if (taken(outDir, root)) continue;
    const key = path.join(outDir, root);
    reserved.add(key);
    return { root, release: () => reserved.delete(key) };
  }
  throw new AppError('conflict', `No free export name for ${base} in ${outDir}`);
}

/** Gives `temp` the name `final` only if nothing has it (a hard link, then the temp goes). */
export async function renameExclusive(temp: string, final: string): Promise<void> {
  try {
    await link(temp, final);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new AppError(
        'conflict',
        `${path.basename(final)} already exists in ${path.dirname(final)}: it was left as it is`,
      );
    throw err;
  }
  await rm(temp, { force: true });
}
