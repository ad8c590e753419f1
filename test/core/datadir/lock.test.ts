import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAtelier } from '../../../src-main/core/app/atelier';
import { tempDir } from '../../helpers/tempDir';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('data directory lock', () => {
  it('refuses a second writer with a clear message, and frees the directory on dispose', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dataDir = path.join(t.dir, 'data');
    const first = await openAtelier({ dataDir, host: 'serve', services: false });
    await expect(openAtelier({ dataDir, host: 'cli', services: false })).rejects.toThrow(
      /already open in another Atelier \(serve, pid \d+/,
    );
    await first.dispose();
    const again = await openAtelier({ dataDir, host: 'cli', services: false });
    await again.dispose();
  });

  it('takes over a lock left behind by a process that died', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dataDir = path.join(t.dir, 'data');
    const first = await openAtelier({ dataDir, host: 'cli', services: false });
    await first.dispose();
    // pid 2^22+1 is above Linux's pid_max default: no such process.
    writeFileSync(
      path.join(dataDir, 'atelier.lock'),
      JSON.stringify({
        pid: 4194305,
        hostname: os.hostname(),
        host: 'electron',
        startedAt: 'yesterday',
      }),
    );
    const core = await openAtelier({ dataDir, host: 'cli', services: false });
    await core.dispose();
  });
});
