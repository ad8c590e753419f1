import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

/** The kohya stand-in that replays the recordings (test/fakes/kohya.mjs), run as "python". */
export const fakeKohya = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fakes/kohya.mjs',
);

/**
 * For the suite: an sd-scripts folder (train_network.py is all Atelier looks for) and the fake as
 * its Python, through ATELIER_KOHYA_DIR / ATELIER_KOHYA_PYTHON as a user's shell would set them;
 * the replay runs fast unless a test sets FAKE_KOHYA_SPEED. Everything is put back afterwards.
 */
export function useFakeKohya(opts: { speed?: string } = {}): { dir: () => string } {
  const keys = [
    'ATELIER_KOHYA_DIR',
    'ATELIER_KOHYA_PYTHON',
    'ATELIER_KOHYA_CPU',
    'FAKE_KOHYA_SPEED',
    'FAKE_KOHYA_FAIL',
    'FAKE_KOHYA_STEP_MS',
    'FAKE_KOHYA_ARGV_LOG',
  ];
  const before = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-kohya-'));
    for (const f of ['train_network.py', 'sdxl_train_network.py'])
      writeFileSync(path.join(dir, f), '# stand-in: the fake is the Python that runs it\n');
    process.env.ATELIER_KOHYA_DIR = dir;
    process.env.ATELIER_KOHYA_PYTHON = fakeKohya;
    process.env.ATELIER_KOHYA_CPU = '1';
    process.env.FAKE_KOHYA_SPEED = opts.speed ?? '200';
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const k of keys)
      if (before[k] === undefined) delete process.env[k];
      else process.env[k] = before[k];
  });
  return { dir: () => dir };
}
