import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { AppError } from '../../contract/errors';
import type { libraryMethods } from '../../contract/library';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { osShell } from '../desktop/osShell';
import { getAsset, listAssets } from './queries';
import { statements } from '../db/statements';
import { IngestError } from '../util/ingestError';
import { readSubtitles } from '../util/subtitleFormats';

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
    'assets.cues': async ({ id, limit }) => {
      const a = statements(core.sqlite)
        .get('SELECT type, filename, format, language FROM assets WHERE id = ?')
        .get(id) as
        | { type: string; filename: string; format: string | null; language: string | null }
        | undefined;
      if (!a) throw new AppError('not_found', `No asset ${id}`);
      if (a.type !== 'subtitles')
        throw new AppError('invalid_input', `${a.filename} is ${a.type}, not subtitles.`);
      try {
        const facts = readSubtitles(await readFile(await existingAssetPath(core, id)), a.filename);
        return {
          language: a.language ?? facts.language,
          format: a.format === 'vtt' ? 'vtt' : 'srt',
          total: facts.cues.length,
          cues: facts.cues.slice(0, limit),
        };
      } catch (err) {
        if (err instanceof IngestError) throw new AppError('invalid_input', err.message);
        throw err;
      }
    },
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
