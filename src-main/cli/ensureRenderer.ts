import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * From a checkout, serve builds the renderer when out/renderer is missing or older than its
 * sources. An installed package ships out/renderer and has no sources: it is used as is.
 */
export async function ensureRendererBuilt(root: string, log: (l: string) => void): Promise<string> {
  const outDir = path.join(root, 'out', 'renderer');
  const index = path.join(outDir, 'index.html');
  const srcDir = path.join(root, 'src-renderer');
  if (!existsSync(srcDir)) return outDir;
  const contractDir = path.join(root, 'src-main', 'contract');
  const srcNewest = Math.max(newestMtime(srcDir), newestMtime(contractDir));
  if (existsSync(index) && statSync(index).mtimeMs >= srcNewest) return outDir;
  log('Building the renderer (first run, or its sources changed)…');
  const { build } = await import('vite');
  // No inline root: it would override the config's src-renderer root.
  await build({ configFile: path.join(root, 'vite.renderer.config.ts'), logLevel: 'warn' });
  return outDir;
}
