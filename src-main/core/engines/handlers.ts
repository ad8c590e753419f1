import { kohyaScriptsDir } from './kohya';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { enginesMethods } from '../../contract/engines';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { checkHostPath } from '../app/hostPaths';
import { probeEndpoint } from './endpointHealth';
import {
  addEndpoint,
  authHeaders,
  endpointKindLabels,
  getEndpoint,
  normaliseEndpointUrl,
  removeEndpoint,
  updateEndpoint,
} from './endpoints';
import { writeEngineSettings } from './engineSettings';
import { recordHealth } from './healthStore';
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
    'engines.update': async (patch, ctx) => {
      // A served client may not point an engine at a program of its choosing elsewhere.
      for (const [what, p] of [
        ['ffmpeg', patch.ffmpegPath],
        ['ffprobe', patch.ffprobePath],
        ['Real-ESRGAN', patch.realesrganPath],
        ['The Real-ESRGAN models folder', patch.realesrganModelsDir],
        ['sd-cli', patch.sdcppPath],
        ['kohya sd-scripts', patch.kohyaDir],
        ['kohya’s Python', patch.kohyaPython],
        ...Object.values(patch.modelFolders ?? {})
          .flat()
          .map((f) => ['A model folder', f] as const),
      ] as const)
        if (p) checkHostPath(core, ctx, p, what);
      checkProgram('sd-cli', patch.sdcppPath);
      checkProgram('kohya’s Python', patch.kohyaPython);
      if (patch.kohyaDir && !kohyaScriptsDir(patch.kohyaDir))
        throw new AppError(
          'invalid_input',
          `kohya sd-scripts: ${patch.kohyaDir} holds no train_network.py (nor an sd-scripts folder that does).`,
        );
      for (const f of Object.values(patch.modelFolders ?? {}).flat()) {
        let isDir = false;
        try {
          isDir = statSync(f).isDirectory();
        } catch {}
        if (!isDir) throw new AppError('invalid_input', `Model folder: ${f} is not a folder.`);
      }
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
    'engines.addEndpoint': (input) => {
      const e = addEndpoint(core, input);
      core.events.emit('engines.changed', { reason: 'endpoints' });
      return e;
    },
    'engines.updateEndpoint': ({ id, ...patch }) => {
      const e = updateEndpoint(core, id, patch);
      core.events.emit('engines.changed', { reason: 'endpoints' });
      return e;
    },
    'engines.removeEndpoint': ({ id }) => {
      removeEndpoint(core, id);
      core.events.emit('engines.changed', { reason: 'endpoints' });
      return { removed: true as const };
    },
    'engines.testEndpoint': async (input) => {
      if ('id' in input) {
        const e = getEndpoint(core, input.id);
        const health = await probeEndpoint(e.kind, {
          label: `${endpointKindLabels[e.kind]} '${e.name}'`,
          url: e.url,
          headers: e.headers,
        });
        recordHealth(core, e.id, health);
        return health;
      }
      const url = normaliseEndpointUrl(input.url, input.kind);
      return probeEndpoint(input.kind, {
        url,
        headers: authHeaders(
          input.auth && input.auth.type !== 'none'
            ? input.auth.type === 'bearer'
              ? { type: 'bearer', token: input.auth.token }
              : { type: 'basic', user: input.auth.user, password: input.auth.password }
            : null,
        ),
      });
    },
  };
}
