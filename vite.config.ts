import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * electron-vite: main, preload and renderer in one config. Native and binary-shipping
 * dependencies stay external (loaded from node_modules, unpacked from asar by electron-builder).
 */
export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: path.join(root, 'src-main/electron/main.ts'),
          // Forked by core/packs/exportProcess.ts, which looks for it beside the main bundle.
          exportProcess: path.join(root, 'src-main/core/packs/exportProcessMain.ts'),
        },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: path.join(root, 'src-preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: path.join(root, 'src-renderer'),
    plugins: [react()],
    resolve: { alias: { '@contract': path.join(root, 'src-main/contract') } },
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: path.join(root, 'src-renderer/index.html') },
    },
  },
});
