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

describe('atelier models, generate and orders', () => {
  it('scans, lists and shows models; generates with --wait; lists, shows and retries orders', async () => {
    const t = tempDir();
    stops.push(t.cleanup);
    const d = ['--data-dir', t.dir];
    // The data dir's model folders exist once a command has opened it.
    expect(await main(['models', 'list', ...d], capture().io)).toBe(0);
    writeSafetensors(
      path.join(t.dir, 'models', 'checkpoints', 'tiny-sd1.safetensors'),
      tinyTensors([
        'cond_stage_model.transformer.text_model.embeddings.position_ids',
        'model.diffusion_model.input_blocks.0.0.weight',
      ]),
    );
    const scan = capture();
    expect(await main(['models', 'scan', ...d], scan.io)).toBe(0);
    expect(scan.out[0]).toMatch(/^1 file, 1 model \(1 new, 0 changed\) in \d+ ms$/);
    const list = capture();
    expect(
      await main(['models', 'list', '--kind', 'checkpoint', '--family', 'sd15', ...d], list.io),
    ).toBe(0);
    expect(list.out.join('\n')).toMatch(/^tiny-sd1\s+checkpoint\s+sd15\s+1 file\s+0 assets/);
    const show = capture();
    expect(await main(['models', 'show', 'tiny-sd1.safetensors', ...d], show.io)).toBe(0);
    expect(show.out.join('\n')).toMatch(/file\s+this computer: .*tiny-sd1\.safetensors/);

    const gen = capture();
    const code = await main(
      [
        'generate',
        '--model',
        'tiny-sd1',
        '--prompt',
        'a red fox',
        '--count',
        '2',
        '--seed',
        '42',
        '--size',
        '64x64',
        '--steps',
        '4',
        '--wait',
        ...d,
      ],
      gen.io,
    );
    expect(gen.err.filter((l) => /error/i.test(l))).toEqual([]);
    expect(code).toBe(0);
    expect(gen.out[0]).toMatch(/fulfilled\s+2\/2\s+tiny-sd1\s+“a red fox” × 2/);
    expect(gen.out.slice(1).map((l) => l.replace(/→ .*/, '→'))).toEqual([
      '  #1     complete   seed 42           →',
      '  #2     complete   seed 43           →',
    ]);
    const orderId = gen.out[0]!.split(/\s+/)[0]!;
    const orders = capture();
    expect(await main(['orders', 'list', ...d], orders.io)).toBe(0);
    expect(orders.out).toHaveLength(1);
    expect(orders.out[0]!.startsWith(orderId)).toBe(true);
    const json = capture();
    expect(await main(['orders', 'show', orderId, '--json', ...d], json.io)).toBe(0);
    expect(JSON.parse(json.out.join('\n'))).toMatchObject({
      id: orderId,
      status: 'fulfilled',
      itemCount: 2,
    });
    const retry = capture();
    expect(await main(['orders', 'retry', orderId, ...d], retry.io)).toBe(1);
    expect(retry.err.join('\n')).toMatch(/Nothing in this order failed or was cancelled/);

    const bad = capture();
    expect(
      await main(
        ['generate', '--model', 'tiny-sd1', '--prompt', 'x', '--lora', ':0.5', ...d],
        bad.io,
      ),
    ).toBe(2);
    expect(bad.err[0]).toMatch(/--lora wants NAME or NAME:WEIGHT/);
    const unknown = capture();
    expect(await main(['generate', '--model', 'nope', '--prompt', 'x', ...d], unknown.io)).toBe(1);
    expect(unknown.err[0]).toMatch(/No model “nope”\. Known: tiny-sd1/);
  });
});
