import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));

/** The renderer alone: used by serve mode (and e2e) and reused inside vite.config.ts. */
export default defineConfig({
  root: path.join(root, 'src-renderer'),
  base: './',
  plugins: [react()],
  resolve: { alias: { '@contract': path.join(root, 'src-main/contract') } },
  build: {
    outDir: path.join(root, 'out/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
  },
});
