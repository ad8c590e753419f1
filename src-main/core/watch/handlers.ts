import { AppError } from '../../contract/errors';
import type { libraryMethods } from '../../contract/library';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { checkHostPath } from '../app/hostPaths';
import {
  addFolder,
  folderDetail,
  folderDetails,
  removeFolder,
  updateFolder,
} from '../ingest/watchFolders';
import { reconcileFolder } from './reconcile';
import { watchServiceOf } from './watchService';

type WatchMethod = Extract<keyof typeof libraryMethods, `watchFolders.${string}`>;

export function watchHandlers(core: Atelier): HandlersFor<WatchMethod> {
  const folderChanged = (id: string | null) => {
    core.events.emit('watchFolders.changed', { id });
    core.events.emit('status.changed', { reason: 'watch_folders' });
  };
  return {
    'watchFolders.details': () => folderDetails(core),
    'watchFolders.add': async (input, ctx) => {
      checkHostPath(core, ctx, input.path, 'A folder to watch');
      const id = await addFolder(core, input.path, input);
      const service = watchServiceOf(core);
      // With the watcher running, its start-up reconcile ingests what the folder holds.
      if (service) await service.sync();
      folderChanged(id);
      return folderDetail(core, id);
    },
    'watchFolders.update': async (input) => {
      const { id, ...patch } = input;
      await updateFolder(core, id, patch);
      await watchServiceOf(core)?.sync();
      folderChanged(id);
      return folderDetail(core, id);
    },
    'watchFolders.remove': async (input) => {
      await removeFolder(core, input.id);
      await watchServiceOf(core)?.sync();
      folderChanged(input.id);
      return { removed: true as const };
    },
    'watchFolders.rescan': async (input) => {
      const f = await folderDetail(core, input.id);
      if (!f.enabled) throw new AppError('conflict', 'This folder is paused; resume it to scan it');
      const summary = await reconcileFolder(core, {
        id: f.id,
        path: f.path,
        recursive: f.recursive,
      });
      folderChanged(f.id);
      return summary;
    },
  };
}
