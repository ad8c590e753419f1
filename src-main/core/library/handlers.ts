import { existsSync } from 'node:fs';
import { AppError } from '../../contract/errors';
import type { libraryMethods } from '../../contract/library';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { osShell } from '../desktop/osShell';
import { getAsset, listAssets } from './queries';
import { statements } from '../db/statements';

type AssetsMethod = Extract<keyof typeof libraryMethods, `assets.${string}`>;

/** The asset's file, or a clear error when the row or the file is gone. */
async function existingAssetPath(core: Atelier, id: string): Promise<string> {
  const row = statements(core.sqlite).get('SELECT path FROM assets WHERE id = ?').get(id) as
    | { path: string }
    | undefined;
  if (!row) throw new AppError('not_found', `No asset ${id}`);
  if (!existsSync(row.path))
    throw new AppError('not_found', `The file is missing on disk: ${row.path}`);
  return row.path;
}

export function libraryHandlers(core: Atelier): HandlersFor<AssetsMethod> {
  return {
    'assets.list': (input) => listAssets(core, input),
    'assets.get': (input) => getAsset(core, input.id),
    'assets.reveal': async ({ id }) => {
      const file = await existingAssetPath(core, id);
      return { path: file, revealed: await osShell(core).reveal(file) };
    },
    'assets.open': async ({ id }) => {
      const file = await existingAssetPath(core, id);
      return { path: file, opened: await osShell(core).open(file) };
    },
  };
}
