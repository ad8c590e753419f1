import path from 'node:path';
import { openAtelier } from '../../src-main/core/app/atelier';
import { startServer } from '../../src-main/server/server';
import '../../src-main/core/api/services';

const root = path.resolve(import.meta.dirname, '..', '..');

/** A real core with services on `dataDir`, served with the built renderer (globalSetup builds it). */
export const rendererDir = path.join(root, 'out', 'renderer');

export async function serveLibrary(dataDir: string) {
  const core = await openAtelier({ dataDir, host: 'serve', services: true });
  // The test's folders live beside the data dir (`atelier serve --allow-root` would allow them).
  core.allowedRoots.push(path.dirname(dataDir));
  const server = await startServer({ core, rendererDir, port: 0 });
  return {
    url: server.openUrl,
    core,
    async stop() {
      await server.close();
      await core.dispose();
    },
  };
}
