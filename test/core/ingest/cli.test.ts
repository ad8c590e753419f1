import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main';
import { tempDir } from '../../helpers/tempDir';
import { writePng } from './fixtures';

let dir: string;
let cleanup: () => void;

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

describe('atelier ingest / assets list', () => {
  it('prints a summary with failure reasons and lists the result', async () => {
    const data = path.join(dir, 'data');
    await writePng(path.join(dir, 'in', 'sunset.png'));
    writeFileSync(path.join(dir, 'in', 'empty.png'), '');
    const r = await run(['ingest', path.join(dir, 'in'), '--data-dir', data]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^1 added, 0 duplicates, 0 updated, 0 unchanged, 1 failed/);
    expect(r.out).toMatch(/empty\.png\n\s+The file is empty \(0 bytes\)/);

    const again = await run([
      'ingest',
      path.join(dir, 'in', 'sunset.png'),
      '--data-dir',
      data,
      '--json',
    ]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ added: 0, unchanged: 1, failed: [] });

    const list = await run([
      'assets',
      'list',
      '--data-dir',
      data,
      '--json',
      '--search',
      'sunset',
      '--type',
      'image',
    ]);
    expect(JSON.parse(list.out).items.map((a: { filename: string }) => a.filename)).toEqual([
      'sunset.png',
    ]);
    const text = await run(['assets', 'list', '--data-dir', data]);
    expect(text.out).toMatch(/image\s+64×48.*sunset\.png/);
    expect((await run(['assets', 'list', '--type', 'gif', '--data-dir', data])).code).toBe(2);
    expect((await run(['ingest', '--data-dir', data])).code).toBe(2);
  });
});
