import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRendererBuilt } from '../../src-main/cli/ensureRenderer';
import { chromiumPath } from './support/browser';

/** e2e drives the real built renderer: build it once (if stale) before any test starts. */
export default async function setup(): Promise<void> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  await ensureRendererBuilt(root, (l) => console.log(l));
}
