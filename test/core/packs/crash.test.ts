import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAtelier } from '../../../src-main/core/app/atelier';
import { createApi } from '../../../src-main/core/api/dispatch';
import { exportPack, PARTIAL_SUFFIX } from '../../../src-main/core/packs/exportPack';
import { previewDir } from '../../../src-main/core/packs/previews';
import { tempDir } from '../../helpers/tempDir';
import { unzipTest } from '../zip/readers';
import { insertAsset } from './helpers';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Direct children of a process (Linux /proc; elsewhere none are found and the check is skipped). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Alive and not a zombie (an orphan's zombie may linger where PID 1 does not reap). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('export crash safety', () => {
  it('kill -9 mid-export leaves nothing under the final name; the next export cleans up and succeeds', async () => {
    const { dir, cleanup } = tempDir('atelier-crash-');
    cleanups.push(cleanup);
    const dataDir = path.join(dir, 'data');
    const media = path.join(dir, 'media');
    const out = path.join(dir, 'out');
    mkdirSync(media);
    // WAVs are deflated, which makes the write phase long enough to kill reliably.
    const wav = path.join(media, 'long.wav');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=d=15:c=pink:r=48000',
      '-ac',
      '2',
      wav,
    ]);
    let core = await openAtelier({ dataDir, host: 'cli', services: false });
    let api = createApi(core);
    await api.invoke('settings.update', { ownerName: 'Ada', supportContact: 'ada@example.com' });
    const ids = [insertAsset(core, wav, 'audio')];
    for (let i = 0; i < 5; i++) {
      const f = path.join(media, `copy_${i}.wav`);
      copyFileSync(wav, f);
      ids.push(insertAsset(core, f, 'audio'));
    }
    const created = await api.invoke('packs.create', { name: 'Noise' });
    const packId = (created as { ok: true; value: { id: string } }).value.id;
    await api.invoke('packs.addAssets', { packId, assetIds: ids });
    await core.dispose();

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'fixtures', 'exportChild.ts'), dataDir, packId, out],
      {
        cwd: path.resolve(__dirname, '../../..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let previewPids: number[] = [];
    child.stderr.on('data', (d) => (stderr += d));
    const killed = await new Promise<boolean>((resolve) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
        if (/progress 0\.[1-9]\d* Writing/.test(buf) || /progress 0\.0[5-9]\d* Writing/.test(buf)) {
          previewPids = childrenOf(child.pid!);
          child.kill('SIGKILL');
          resolve(true);
        }
        if (buf.includes('done')) resolve(false);
      });
      child.on('exit', () => resolve(false));
    });
    await new Promise((r) => child.once('exit', r).once('close', r));
    expect(killed, `child finished before it could be killed: ${stderr}`).toBe(true);
    const left = readdirSync(out);
    expect(left.filter((n) => n.endsWith('.zip'))).toEqual([]);
    expect(left.every((n) => n.endsWith(PARTIAL_SUFFIX))).toBe(true);
    // A preview process still drawing when its export died notices and goes too.
    for (const pid of previewPids) await until(() => !running(pid), 10_000);

    core = await openAtelier({ dataDir, host: 'cli', services: false });
    api = createApi(core);
    try {
      const history = (await api.invoke('packs.exports', { packId })) as {
        ok: true;
        value: { status: string; error: string | null }[];
      };
      expect(history.value[0]).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/Interrupted/),
      });
      const rec = await exportPack(core, packId, { outDir: out });
      unzipTest(rec.files[0]!.path);
      expect(readdirSync(out)).toEqual([path.basename(rec.files[0]!.path)]);
      // The killed export's preview folder is cleaned up by this one.
      expect(
        existsSync(previewDir(core.layout.tmp)) ? readdirSync(previewDir(core.layout.tmp)) : [],
      ).toEqual([]);
    } finally {
      await core.dispose();
    }
  }, 90_000);
});
