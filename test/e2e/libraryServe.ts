import path from 'node:path';
import { build } from 'vite';
import { openAtelier } from '../../src-main/core/app/atelier';
import { startServer } from '../../src-main/server/server';
import '../../src-main/core/services';

const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * Builds the renderer with the library's dev mount into its own folder (never the shared
 * out/renderer other suites build) and serves it over a real core on `dataDir`.
 */
export async function buildLibraryRenderer(outDir: string): Promise<void> {
  await build({
    configFile: path.join(root, 'vite.renderer.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
    plugins: [
      {
        name: 'library-dev-entry',
        // 'pre': before Vite reads the entry script out of the HTML.
        transformIndexHtml: { order: 'pre', handler: (html: string) => html.replace('./src/main.tsx', './src/library/devEntry.tsx') },
      },
    ],
  });
}

export async function serveLibrary(dataDir: string, rendererDir: string) {
  const core = await openAtelier({ dataDir, host: 'serve', services: true });
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
