import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';

interface Inputs {
  /** Source file (relative to the checkout) → its mtime when the bundle was built. */
  inputs: Record<string, number>;
}

/** The checkout's root: the nearest folder above this file with a package.json. */
function checkoutRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('No package.json above the sources');
    dir = up;
  }
  return dir;
}

function fresh(out: string, meta: string, root: string): boolean {
  try {
    if (!existsSync(out)) return false;
    const { inputs } = JSON.parse(readFileSync(meta, 'utf8')) as Inputs;
    return Object.entries(inputs).every(
      ([file, mtime]) => statSync(path.join(root, file)).mtimeMs === mtime,
    );
  } catch {
    return false;
  }
}

/**
 * For a source checkout (CLI, serve, tests, benchmarks): a TypeScript entry bundled into one
 * plain JavaScript file, as electron-vite bundles it for the app, so a child process runs it with
 * plain `node`. Loading sources through tsx costs a process ~1 s of CPU and ~45 MB (its loader
 * thread and transformed sources) — a third of the export process's memory.
 *
 * Built with the esbuild that tsx runs on, into node_modules/.cache/atelier/, and rebuilt only
 * when one of the files it was built from has changed. Concurrent builders (parallel test
 * files) each write a temp file and rename it into place.
 */
export async function bundleSourceEntry(entry: string, outName: string): Promise<string> {
  const root = checkoutRoot();
  const dir = path.join(root, 'node_modules', '.cache', 'atelier');
  const out = path.join(dir, outName);
  const meta = `${out}.inputs.json`;
  if (fresh(out, meta, root)) return out;
  mkdirSync(dir, { recursive: true });
  const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx'));
  const esbuild = fromTsx('esbuild') as typeof Esbuild;
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dependencies load from node_modules as they do in the app; the cache folder is inside it.
    packages: 'external',
    sourcemap: 'inline',
    metafile: true,
    // Inputs in the metafile are named relative to this.
    absWorkingDir: root,
    logLevel: 'silent',
  });
  const inputs: Inputs = { inputs: {} };
  for (const file of Object.keys(result.metafile.inputs))
    inputs.inputs[file] = statSync(path.join(root, file)).mtimeMs;
  writeFileSync(`${meta}.${process.pid}.tmp`, JSON.stringify(inputs));
  renameSync(tmp, out);
  renameSync(`${meta}.${process.pid}.tmp`, meta);
  return out;
}
