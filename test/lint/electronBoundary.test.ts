import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// The layering rule that keeps core runnable in plain Node: only src-main/electron (and the
// preload) may import electron at runtime. Checked against the repository's real config.
// The files linted here do not exist, so the type-aware rules (which need a real program) are
// switched off for them; every other rule is the repository's own.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: tseslint.configs.disableTypeChecked,
});

async function electronErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('lint: the electron boundary', () => {
  it('fails a runtime import of electron outside src-main/electron', async () => {
    const code = "import { app } from 'electron';\nexport const name = app.getName();\n";
    expect(await electronErrors('src-main/core/library/uses-electron.ts', code)).toHaveLength(1);
    expect(await electronErrors('src-renderer/src/uses-electron.ts', code)).toHaveLength(1);
    expect(await electronErrors('src-main/server/uses-electron.ts', code)).toHaveLength(1);
  });

  it('allows type-only imports anywhere and runtime imports in the Electron layer', async () => {
    expect(
      await electronErrors(
        'src-main/core/x.ts',
        "import type { App } from 'electron';\nexport type A = App;\n",
      ),
    ).toEqual([]);
    expect(
      await electronErrors(
        'src-main/electron/x.ts',
        "import { app } from 'electron';\nexport const n = app.getName();\n",
      ),
    ).toEqual([]);
    expect(
      await electronErrors(
        'src-preload/x.ts',
        "import { ipcRenderer } from 'electron';\nexport const r = ipcRenderer;\n",
      ),
    ).toEqual([]);
  });

  it('allows node:child_process only in the process runner, and SQL preparation only in core/db', async () => {
    const spawnCode = "import { spawn } from 'node:child_process';\nexport const s = spawn;\n";
    expect(await electronErrors('src-main/core/packs/x.ts', spawnCode)).toHaveLength(1);
    expect(await electronErrors('src-main/server/x.ts', spawnCode)).toHaveLength(1);
    expect(await electronErrors('src-main/core/engines/runProgram.ts', spawnCode)).toEqual([]);
    const [result] = await eslint.lintText(
      "import type BetterSqlite3 from 'better-sqlite3';\nexport const q = (db: BetterSqlite3.Database) => db.prepare('SELECT 1');\n",
      { filePath: 'src-main/core/library/x.ts' },
    );
    expect(result!.messages.map((m) => m.ruleId)).toContain('no-restricted-syntax');
  });
});
