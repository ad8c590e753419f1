import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/main';
import { tinyTensors, writeSafetensors } from '../core/models/files/writeModelFiles';
import { useFakeSdCli } from '../helpers/fakeSdCli';
import { tempDir } from '../helpers/tempDir';
import { capture } from '../helpers/cliCapture';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});
useFakeSdCli({ asPath: true });

describe('atelier lookups, orders preview and workspace', () => {
  it('imports wildcards, previews an expanded prompt as text and JSON, generates into the workspace and keeps one', async () => {
    const t = tempDir();
    stops.push(t.cleanup);
    const d = ['--data-dir', t.dir];
    const wild = path.join(t.dir, '..', `wild-${path.basename(t.dir)}`);
    mkdirSync(wild, { recursive: true });
    stops.push(() => void 0);
    writeFileSync(path.join(wild, 'animal.txt'), 'cat\ndog\n');
    const imp = capture();
    expect(await main(['lookups', 'import', wild, ...d], imp.io)).toBe(0);
    expect(imp.out[0]).toBe('Imported 1 lookup: animal');
    const set = capture();
    expect(await main(['lookups', 'set', 'colour', 'red', 'blue', ...d], set.io)).toBe(0);
    expect(set.out).toEqual(['colour: 2 values']);
    const list = capture();
    expect(await main(['lookups', 'list', ...d], list.io)).toBe(0);
    expect(list.out.map((l) => l.split(/\s+/)[0])).toEqual(['colour', 'animal']);

    const pv = capture();
    expect(
      await main(
        [
          'orders',
          'preview',
          '--prompt',
          'a [small,big] __animal__ (&) a [colour] hat',
          '--seed',
          '3',
          ...d,
        ],
        pv.io,
      ),
    ).toBe(0);
    expect(pv.out[0]).toBe('2 batches · 3 images');
    expect(pv.out[1]).toBe('  batch 1: 2 of 2');
    expect(pv.out[2]).toMatch(/^ {4}first: a small (cat|dog)$/);
    const json = capture();
    expect(
      await main(['orders', 'preview', '--prompt', 'a [small,big] cat', '--json', ...d], json.io),
    ).toBe(0);
    const parsed = JSON.parse(json.out.join('\n')) as {
      total: number;
      items: { prompt: string }[];
    };
    expect(parsed.total).toBe(2);
    expect(parsed.items.map((i) => i.prompt)).toEqual(['a small cat', 'a big cat']);
    const bad = capture();
    expect(
      await main(
        ['orders', 'preview', '--prompt', 'a (&) b', '--negative', 'x (&) y (&) z', ...d],
        bad.io,
      ),
    ).toBe(1);
    expect(bad.out[0]).toMatch(/^error: .*2.*3/);

    writeSafetensors(
      path.join(t.dir, 'models', 'checkpoints', 'tiny-sd1.safetensors'),
      tinyTensors([
        'cond_stage_model.transformer.x',
        'model.diffusion_model.input_blocks.0.0.weight',
      ]),
    );
    expect(await main(['models', 'scan', ...d], capture().io)).toBe(0);
    const gen = capture();
    expect(
      await main(
        [
          'generate',
          '--model',
          'tiny-sd1',
          '--prompt',
          'a [red,blue] kite',
          '--size',
          '64x64',
          '--steps',
          '4',
          '--workspace',
          '--wait',
          ...d,
        ],
        gen.io,
      ),
    ).toBe(0);
    expect(gen.out[0]).toMatch(/fulfilled\s+2\/2/);
    expect(gen.out.slice(1).every((l) => /complete .* staged \S+$/.test(l))).toBe(true);
    const ws = capture();
    expect(await main(['workspace', ...d], ws.io)).toBe(0);
    const session = ws.out[0]!.split(/\s+/)[0]!;
    expect(ws.out[0]).toMatch(/\s2 staged\s+0 kept\s+0 discarded\s+“a \[red,blue\] kite” × 2$/);
    const show = capture();
    expect(await main(['workspace', 'show', session, ...d], show.io)).toBe(0);
    expect(show.out.map((l) => l.replace(/^\S+\s+/, ''))).toEqual([
      expect.stringMatching(/^staged\s+seed \d+\s+a red kite$/),
      expect.stringMatching(/^staged\s+seed \d+\s+a blue kite$/),
    ]);
    const [keepId, dropId] = show.out.map((l) => l.split(/\s+/)[0]!);
    const keep = capture();
    expect(await main(['workspace', 'keep', keepId!, '--tag', 'kites', ...d], keep.io)).toBe(0);
    expect(keep.out[0]).toMatch(new RegExp(`^kept ${keepId} → asset \\S+$`));
    const drop = capture();
    expect(await main(['workspace', 'discard', dropId!, ...d], drop.io)).toBe(0);
    expect(drop.out).toEqual(['Discarded 1 image']);
    const assets = capture();
    expect(await main(['assets', 'list', '--json', ...d], assets.io)).toBe(0);
    const page = JSON.parse(assets.out.join('\n')) as {
      items: { filename: string; hasPrompt: boolean }[];
    };
    expect(page.items.map((a) => [a.filename.replace(/^gen-\w+-/, ''), a.hasPrompt])).toEqual([
      [expect.stringMatching(/^0001_\d+\.png$/), true],
    ]);
  });
});
