import path from 'node:path';
import { openAtelier, type Atelier, type HostKind } from '../../src-main/core/app/atelier';
import { createApi, type Api } from '../../src-main/core/api/dispatch';
import type { MethodInput, MethodName, MethodOutput } from '../../src-main/contract';
import '../../src-main/core/api/services';
import { tempDir } from './tempDir';

export interface TestCore {
  core: Atelier;
  api: Api;
  dataDir: string;
  root: string;
  /** Calls a method and returns its value, failing the test with the api's message otherwise. */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Closes the core (another process may then open the data dir) and opens it again when told. */
  suspend(): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A real core on a real SQLite file in a fresh temp data directory. */
export async function openTestCore(
  options: { services?: boolean; host?: HostKind } = {},
): Promise<TestCore> {
  const { dir, cleanup } = tempDir();
  const dataDir = path.join(dir, 'data');
  const open = () =>
    openAtelier({
      dataDir,
      host: options.host ?? 'cli',
      services: options.services ?? false,
    });
  const t: TestCore = {
    core: await open(),
    api: null as unknown as Api,
    dataDir,
    root: dir,
    async call(method, input) {
      const r = await t.api.invoke(method, input);
      if (!r.ok) throw new Error(`${method} failed: [${r.error.code}] ${r.error.message}`);
      return r.value as never;
    },
    async suspend() {
      await t.core.dispose();
      return async () => {
        t.core = await open();
        wire();
      };
    },
    async close() {
      await t.core.dispose();
      cleanup();
    },
  };
  const wire = () => {
    // A served test core may import from its temp folder, as `atelier serve --allow-root` allows.
    if (t.core.host === 'serve') t.core.allowedRoots.push(dir);
    t.api = createApi(t.core);
  };
  wire();
  return t;
}
