import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/main';
import { ReplayServer } from '../helpers/replayHttp';
import { tempDir } from '../helpers/tempDir';
import { capture } from '../helpers/cliCapture';

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

describe('atelier engines', () => {
  it('adds a ComfyUI server after testing it, lists it, changes its slots, pauses and removes it', async () => {
    const t = tempDir();
    stops.push(t.cleanup);
    const comfy = await new ReplayServer({
      'GET /system_stats': path.resolve('test/fixtures/engines/http/comfyui-system_stats.response'),
    }).start();
    stops.push(() => comfy.stop());
    const d = ['--data-dir', t.dir];
    const add = capture();
    expect(
      await main(['engines', 'add', 'comfyui', comfy.url, '--name', 'studio-pc', ...d], add.io),
    ).toBe(0);
    expect(add.out.join('\n')).toMatch(
      /^Added studio-pc \(comfyui\) at http:\/\/127\.0\.0\.1:\d+, 2 slot\(s\): ok · version 0\.3\.64 · CPU only/,
    );
    const test = capture();
    expect(await main(['engines', 'test', 'studio-pc', ...d], test.io)).toBe(0);
    expect(test.out[0]).toMatch(/^ok · version 0\.3\.64/);
    const slots = capture();
    expect(await main(['engines', 'slots', 'studio-pc', '3', ...d], slots.io)).toBe(0);
    expect(slots.out).toEqual(['studio-pc: takes jobs, 3 slot(s)']);
    expect(await main(['engines', 'pause', 'studio-pc', ...d], capture().io)).toBe(0);
    const list = capture();
    expect(await main(['engines', '--json', ...d], list.io)).toBe(0);
    expect(JSON.parse(list.out.join('\n')).endpoints).toMatchObject([
      { name: 'studio-pc', slots: 3, enabled: false, auth: 'none' },
    ]);
    const bad = capture();
    expect(await main(['engines', 'add', 'comfyui', 'ftp://x', ...d], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/Use an http:\/\/ or https:\/\/ address/);
    const rm = capture();
    expect(await main(['engines', 'remove', 'studio-pc', ...d], rm.io)).toBe(0);
    const none = capture();
    await main(['engines', ...d], none.io);
    expect(none.out.join('\n')).toMatch(/none \(add one/);
  });
});
