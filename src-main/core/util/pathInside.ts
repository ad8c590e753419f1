import path from 'node:path';

/** Whether `candidate` is `root` or inside it, compared as resolved paths (no `..` escape). */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(candidate));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
