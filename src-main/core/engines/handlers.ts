import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { enginesMethods } from '../../contract/engines';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { writeEngineSettings } from './engineSettings';
import { enginesStatus } from './probeEngines';

function checkProgram(label: string, p: string | null | undefined): void {
  if (!p) return;
  if (!path.isAbsolute(p))
    throw new AppError('invalid_input', `${label}: use an absolute path (got ${p}).`);
  let st;
  try {
    st = statSync(p);
  } catch {
    throw new AppError('invalid_input', `${label}: there is no file at ${p}.`);
  }
  if (!st.isFile()) throw new AppError('invalid_input', `${label}: ${p} is not a file.`);
  try {
    if (process.platform !== 'win32') accessSync(p, constants.X_OK);
  } catch {
    throw new AppError('invalid_input', `${label}: ${p} is not executable.`);
  }
}

export function enginesHandlers(core: Atelier): HandlersFor<keyof typeof enginesMethods> {
  return {
    'engines.status': ({ refresh }) => enginesStatus(core, refresh),
    'engines.update': async (patch) => {
      checkProgram('ffmpeg', patch.ffmpegPath);
      checkProgram('ffprobe', patch.ffprobePath);
      checkProgram('Real-ESRGAN', patch.realesrganPath);
      if (patch.realesrganModelsDir) {
        let isDir = false;
        try {
          isDir = statSync(patch.realesrganModelsDir).isDirectory();
        } catch {}
        if (!isDir)
          throw new AppError(
            'invalid_input',
            `Models folder: ${patch.realesrganModelsDir} is not a folder.`,
          );
      }
      await writeEngineSettings(core.db, patch as never);
      // The running queue picks up new slot counts now, not at the next start.
      core.events.emit('engines.changed', { reason: 'settings' });
      return enginesStatus(core, true);
    },
  };
}
