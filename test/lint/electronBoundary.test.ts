import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering rule that keeps core runnable in plain Node: only src-main/electron (and the
// preload) may import electron at runtime. Checked against the repository's real config.
const eslint = new ESLint({ cwd: process.cwd() });

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
});
