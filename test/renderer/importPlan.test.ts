import { describe, expect, it } from 'vitest';
import { planImport } from '../../src-renderer/src/lib/importPlan';

describe('import plan for dropped files', () => {
  const files = [
    { name: 'a.png', p: '/home/c/a.png' },
    { name: 'from-browser.png', p: '' },
    { name: 'odd', p: 'throw' },
  ];
  const pathOf = (f: { p: string }) => {
    if (f.p === 'throw') throw new Error('not a file');
    return f.p;
  };

  it('ingests files with a path in place and uploads the rest', () => {
    const plan = planImport(files, pathOf);
    expect(plan.paths).toEqual(['/home/c/a.png']);
    expect(plan.uploads.map((f) => f.name)).toEqual(['from-browser.png', 'odd']);
  });

  it('uploads everything where no path is known (serve mode)', () => {
    const plan = planImport(files, undefined);
    expect(plan.paths).toEqual([]);
    expect(plan.uploads).toHaveLength(3);
  });
});
