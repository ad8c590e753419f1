import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAtelier } from '../../../src-main/core/app/atelier';
import { createApi } from '../../../src-main/core/api/dispatch';
import { exportPack, PARTIAL_SUFFIX } from '../../../src-main/core/packs/exportPack';
import { tempDir } from '../../helpers/tempDir';
import { unzipTest } from '../zip/readers';
import { insertAsset } from './helpers';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

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
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'anoisesrc=d=15:c=pink:r=48000', '-ac', '2', wav]);
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

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'exportChild.ts'), dataDir, packId, out], {
      cwd: path.resolve(__dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const killed = await new Promise<boolean>((resolve) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
        if (/progress 0\.[1-9]\d* Writing/.test(buf) || /progress 0\.0[5-9]\d* Writing/.test(buf)) {
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

    core = await openAtelier({ dataDir, host: 'cli', services: false });
    api = createApi(core);
    try {
      const history = (await api.invoke('packs.exports', { packId })) as { ok: true; value: { status: string; error: string | null }[] };
      expect(history.value[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/Interrupted/) });
      const rec = await exportPack(core, packId, { outDir: out });
      unzipTest(rec.files[0]!.path);
      expect(readdirSync(out)).toEqual([path.basename(rec.files[0]!.path)]);
    } finally {
      await core.dispose();
    }
  }, 90_000);
});
