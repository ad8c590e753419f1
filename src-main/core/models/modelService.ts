import { watch, type FSWatcher } from 'chokidar';
import type { Atelier } from '../app/atelier';
import type { Disposable } from '../app/disposable';
import { appLog } from '../log/appLog';
import { modelFolders } from './scanLocal';
import { scanModels } from './scanModels';

/** A burst of copies (a folder of LoRAs dropped in) is one scan, once it settles. */
const SETTLE_MS = 1500;

/**
 * Keeps the registry in step with the model folders: a scan soon after start (not before the
 * window is up: it is headers only, but servers may be slow to answer), then one whenever a
 * folder changes, and again when Settings → Engines changes the folders or servers.
 */
export async function startModelService(core: Atelier): Promise<Disposable> {
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  let disposed = false;
  const scanSoon = (delay = SETTLE_MS) => {
    if (disposed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (disposed) return;
      scanModels(core).catch((err) =>
        appLog.warn('models', `model scan failed: ${(err as Error).message}`),
      );
    }, delay);
    timer.unref();
  };
  const rewatch = async () => {
    await watcher?.close();
    if (disposed) return;
    const dirs = (await modelFolders(core)).map((f) => f.dir);
    watcher = watch(dirs, {
      ignoreInitial: true,
      depth: 8,
      awaitWriteFinish: { stabilityThreshold: 2000, pollInterval: 500 },
      ignored: (p) => /(^|[\\/])\./.test(p),
    });
    watcher.on('all', () => scanSoon());
    watcher.on('error', (err) =>
      appLog.warn('models', `watching the model folders: ${(err as Error).message}`),
    );
  };
  await rewatch();
  scanSoon(3000);
  const off = core.events.on('engines.changed', ({ reason }) => {
    if (reason === 'settings') void rewatch();
    // A server added, or back online: ask it what it has.
    scanSoon();
  });
  return {
    dispose: async () => {
      disposed = true;
      off();
      if (timer) clearTimeout(timer);
      await watcher?.close();
    },
  };
}
