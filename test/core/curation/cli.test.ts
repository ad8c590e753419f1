import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main';
import { openAtelier } from '../../../src-main/core/app/atelier';
import { tempDir } from '../../helpers/tempDir';
import { asset, insertAssets } from '../browse/helpers';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

it('atelier curate approves, rates, tags by id or query, and undoes', async () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const dataDir = path.join(t.dir, 'data');
  const core = await openAtelier({ dataDir, host: 'cli', services: false });
  const rows = [
    asset({ filename: 'a.png', prompt: 'red fox' }, 1),
    asset({ filename: 'b.png', prompt: 'blue whale' }, 2),
  ];
  insertAssets(core.sqlite, rows);
  await core.dispose();

  let c = capture();
  expect(await main(['curate', 'approve', rows[0]!.id, '--data-dir', dataDir], c.io)).toBe(0);
  expect(c.out.join('\n')).toMatch(/1 asset changed/);
  c = capture();
  expect(
    await main(['curate', 'rate', '4', '--search', 'whale', '--data-dir', dataDir, '--json'], c.io),
  ).toBe(0);
  expect(JSON.parse(c.out.join('\n'))).toMatchObject({ changed: 1 });
  c = capture();
  expect(
    await main(
      ['curate', 'tag', 'animals,wild', '--search', 'fox OR whale', '--data-dir', dataDir],
      c.io,
    ),
  ).toBe(0);
  c = capture();
  expect(await main(['curate', 'rate', '9', rows[0]!.id, '--data-dir', dataDir], c.io)).toBe(2);
  expect(c.err.join('\n')).toMatch(/0 to 5/);
  c = capture();
  expect(await main(['curate', 'undo', '--data-dir', dataDir], c.io)).toBe(0);
  expect(c.out.join('\n')).toMatch(/Undid: Tag animals, wild/);

  const check = await openAtelier({ dataDir, host: 'cli', services: false });
  const got = check.sqlite
    .prepare('SELECT filename, status, rating FROM assets ORDER BY filename')
    .all();
  const tags = check.sqlite.prepare('SELECT count(*) AS n FROM asset_tags').get() as { n: number };
  await check.dispose();
  expect(got).toEqual([
    { filename: 'a.png', status: 'approved', rating: 0 },
    { filename: 'b.png', status: 'pending', rating: 4 },
  ]);
  expect(tags.n).toBe(0);
});
