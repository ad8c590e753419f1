import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cruise, type IConfiguration } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { tempDirsPerTest } from '../helpers/tempDir';

// The layering of the main side (.dependency-cruiser.cjs; `npm run lint` checks the real tree)
// against small trees that break each rule, so a rule that stopped matching would be noticed.
const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as IConfiguration;
const newDir = tempDirsPerTest();

async function violations(baseDir: string, dirs: string[]): Promise<string[]> {
  const result = await cruise(dirs, {
    baseDir,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
  });
  const out = result.output as Exclude<typeof result.output, string>;
  return out.summary.violations.map(
    (v) =>
      `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`,
  );
}

function tree(files: Record<string, string>): string {
  const dir = newDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('lint: the layers', () => {
  it('catches a cycle between two core folders, even through type imports', async () => {
    const dir = tree({
      'src-main/core/ingest/a.ts': "import type { B } from '../media/b';\nexport type A = B;\n",
      'src-main/core/media/b.ts':
        "import { a } from '../ingest/c';\nexport type B = number;\nexport const b = a;\n",
      'src-main/core/ingest/c.ts': 'export const a = 1;\n',
    });
    const found = await violations(dir, ['src-main']);
    expect(found.some((v) => v.startsWith('no-cycles-between-core-folders'))).toBe(true);
  });

  it('catches the job queue importing a job kind, a domain importing the api, and a host skipping it', async () => {
    const dir = tree({
      'src-main/core/jobs/runner.ts':
        "import { kind } from '../process/kind';\nexport const r = kind;\n",
      'src-main/core/process/kind.ts': 'export const kind = 1;\n',
      'src-main/core/packs/handlers.ts':
        "import { api } from '../api/dispatch';\nexport const h = api;\n",
      'src-main/core/api/dispatch.ts': 'export const api = 1;\n',
      'src-main/server/server.ts':
        "import { kind } from '../core/process/kind';\nexport const s = kind;\n",
      'src-renderer/src/app.ts':
        "import { api } from '../../src-main/core/api/dispatch';\nexport const x = api;\n",
    });
    const found = (await violations(dir, ['src-main', 'src-renderer'])).map((v) => v.split(':')[0]);
    expect(found.sort()).toEqual([
      'domains-import-no-api-or-host',
      'hosts-go-through-the-api',
      'platform-imports-no-domain',
      'renderer-sees-only-the-contract',
    ]);
  });

  it('catches the shared layer reaching up', async () => {
    const dir = tree({
      'src-main/core/db/open.ts': "import { j } from '../jobs/queue';\nexport const o = j;\n",
      'src-main/core/jobs/queue.ts': 'export const j = 1;\n',
    });
    expect(await violations(dir, ['src-main'])).toEqual([
      'shared-imports-only-shared: src-main/core/db/open.ts → src-main/core/jobs/queue.ts',
    ]);
  });
});
