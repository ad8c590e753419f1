import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/main';
import { tinyTensors, writeSafetensors } from '../core/models/files/writeModelFiles';
import { makePicture } from '../core/training/fixtures';
import { useFakeKohya } from '../helpers/fakeKohya';
import { tempDir } from '../helpers/tempDir';
import { capture } from '../helpers/cliCapture';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});
useFakeKohya();

describe('atelier datasets, train and trainings', () => {
  it('makes a dataset from a tag, checks it, trains with --wait, lists, shows and chooses', async () => {
    const t = tempDir();
    stops.push(t.cleanup);
    const d = ['--data-dir', path.join(t.dir, 'data')];
    const pics = path.join(t.dir, 'pics');
    mkdirSync(pics);
    for (let i = 0; i < 4; i++) await makePicture(path.join(pics, `fox-${i}.png`), 512, 512, i + 1);
    expect(await main(['ingest', pics, ...d], capture().io)).toBe(0);
    expect(await main(['curate', 'approve', '--search', 'fox', ...d], capture().io)).toBe(0);
    expect(await main(['curate', 'tag', 'foxes', '--search', 'fox', ...d], capture().io)).toBe(0);

    const bad = capture();
    expect(await main(['datasets', 'create', 'Foxes', '--tag', 'foxes', ...d], bad.io)).toBe(2);
    expect(bad.err[0]).toMatch(/--trigger TOKEN is needed/);
    const made = capture();
    expect(
      await main(
        [
          'datasets',
          'create',
          'Foxes',
          '--tag',
          'foxes',
          '--trigger',
          'foxtok',
          '--class',
          'fox',
          '--repeats',
          '2',
          ...d,
        ],
        made.io,
      ),
    ).toBe(0);
    expect(made.out[0]).toMatch(/^Dataset Foxes: 4 images, trigger “foxtok”/);
    const check = capture();
    expect(await main(['datasets', 'check', 'Foxes', ...d], check.io)).toBe(1);
    expect(check.out.join('\n')).toMatch(/error\s+4 usable images; at least 10 are needed/);

    writeSafetensors(
      path.join(t.dir, 'data', 'models', 'checkpoints', 'tiny-sd1.safetensors'),
      tinyTensors([
        'cond_stage_model.transformer.text_model.embeddings.position_ids',
        'model.diffusion_model.input_blocks.0.0.weight',
      ]),
    );
    expect(await main(['models', 'scan', ...d], capture().io)).toBe(0);
    const refused = capture();
    expect(await main(['train', 'Foxes', '--base', 'tiny-sd1', ...d], refused.io)).toBe(1);
    expect(refused.err.join('\n')).toMatch(/not ready to train/);

    // A smaller minimum, on purpose, through the api's update (the CLI's call command).
    expect(
      await main(
        ['call', 'datasets.update', JSON.stringify({ id: 'Foxes', minImages: 4 }), ...d],
        capture().io,
      ),
    ).toBe(0);
    const replaced = capture();
    expect(
      await main(
        ['datasets', 'replace', 'Foxes', 'foxes', 'red fox', '--whole-tag', ...d],
        replaced.io,
      ),
    ).toBe(0);
    expect(replaced.out[0]).toBe('4 of 4 captions changed.');
    const show = capture();
    expect(await main(['datasets', 'show', 'Foxes', ...d], show.io)).toBe(0);
    expect(show.out.slice(1).sort()).toEqual([
      '  fox-0.png: foxtok, red fox',
      '  fox-1.png: foxtok, red fox',
      '  fox-2.png: foxtok, red fox',
      '  fox-3.png: foxtok, red fox',
    ]);

    const train = capture();
    const code = await main(
      [
        'train',
        'Foxes',
        '--base',
        'tiny-sd1',
        '--steps',
        '2',
        '--save-every',
        '1',
        '--sample-every',
        '1',
        '--wait',
        ...d,
      ],
      train.io,
    );
    expect(train.err.join('\n')).not.toMatch(/failed|error/i);
    expect(code).toBe(0);
    expect(train.out.join('\n')).toMatch(/foxtok\s+completed\s+2\/2/);
    expect(train.out.join('\n')).toMatch(/LoRA foxtok-step00000001/);

    const list = capture();
    expect(await main(['trainings', 'list', ...d], list.io)).toBe(0);
    expect(list.out[0]).toMatch(/foxtok\s+completed/);
    const choose = capture();
    expect(
      await main(['trainings', 'choose', 'foxtok', 'foxtok-step00000002', ...d], choose.io),
    ).toBe(0);
    expect(choose.out[0]).toBe(
      'foxtok-step00000002 is the chosen LoRA of foxtok (trigger “foxtok”).',
    );
    const shown = capture();
    expect(await main(['trainings', 'show', 'foxtok', ...d], shown.io)).toBe(0);
    expect(shown.out.join('\n')).toMatch(/LoRA foxtok-step00000002 \(step 2\)\s+← chosen/);
    expect(shown.out.join('\n')).toMatch(/samples at 1: /);
    const json = capture();
    expect(await main(['trainings', 'show', 'foxtok', '--json', ...d], json.io)).toBe(0);
    expect(JSON.parse(json.out.join('\n')).loras).toHaveLength(3);
    const resume = capture();
    expect(await main(['trainings', 'resume', 'foxtok', ...d], resume.io)).toBe(1);
    expect(resume.err.join('\n')).toMatch(/This run has finished/);
  }, 60_000);
});
