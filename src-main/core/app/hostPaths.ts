import { realpathSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import { statements } from '../db/statements';
import { isInside } from '../util/pathInside';
import type { Atelier } from './atelier';
import type { CallContext } from './handlerTypes';

/**
 * What a served client may name on the host. A browser on another machine is not the person at
 * this one: in served mode, a path (files to import, a folder to export into, a program to run
 * as an engine, a folder to watch) is for the owner or an admin only, and must lie inside an
 * allowed root: the data directory, a watched folder, or a folder the host's user allowed with
 * `atelier serve --allow-root DIR`. The desktop app and the CLI are that user: anything goes.
 */
export function allowedRoots(core: Atelier): string[] {
  const folders = (
    statements(core.sqlite).get('SELECT path FROM watch_folders').all() as { path: string }[]
  ).map((r) => r.path);
  return [core.layout.root, ...folders, ...core.allowedRoots].map(real);
}

/** The real path, or for one that does not exist yet, its nearest existing parent's + the rest. */
function real(p: string): string {
  const abs = path.resolve(p);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(head), ...tail);
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return abs;
      tail.unshift(path.basename(head));
      head = parent;
    }
  }
}

/**
 * Returns `p` resolved, or throws: a served caller who is not owner or admin, or a path outside
 * the allowed roots. `what` names it in the message ("Files to import").
 */
export function checkHostPath(core: Atelier, ctx: CallContext, p: string, what: string): string {
  const abs = path.resolve(p);
  if (ctx.host !== 'serve') return abs;
  if (ctx.caller.role !== 'owner' && ctx.caller.role !== 'admin')
    throw new AppError(
      'unauthorized',
      `${what}: only the studio's owner or an admin may name places on the host.`,
    );
  const target = real(abs);
  const roots = allowedRoots(core);
  if (!roots.some((r) => isInside(r, target)))
    throw new AppError(
      'unauthorized',
      `${what}: ${abs} is outside the folders this server may use (${roots.join(', ')}). On the host, start it with \`atelier serve --allow-root DIR\` to allow another.`,
      { path: abs, allowedRoots: roots },
    );
  return abs;
}
