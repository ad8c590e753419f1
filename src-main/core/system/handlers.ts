import type { systemMethods } from '../../contract/system';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { nowIso } from '../util/ids';
import { getStatus, listWatchFolders } from './status';

export function systemHandlers(core: Atelier): HandlersFor<keyof typeof systemMethods> {
  return {
    'system.status': () => getStatus(core),
    'system.ping': () => ({ pong: true, at: nowIso() }),
    'settings.get': () => core.settings.getAll(),
    'settings.update': async (patch) => {
      const settings = await core.settings.update(patch);
      core.events.emit('settings.changed', settings);
      return settings;
    },
    'watchFolders.list': () => listWatchFolders(core),
  };
}
