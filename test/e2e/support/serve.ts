import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { tempDir } from '../../helpers/tempDir';

export interface ServeProcess {
  url: string;
  openUrl: string;
  token: string;
  dataDir: string;
  root: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the real `atelier serve` CLI on a fresh data dir (e2e rule: a data dir per test,
 * removed afterwards). globalSetup has already built the renderer, so --no-build.
 */
export async function startServe(
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<ServeProcess> {
  const t = tempDir('atelier-e2e-');
  const dataDir = path.join(t.dir, 'data');
  const child = spawn(
    process.execPath,
    [
      'bin/atelier.mjs',
      'serve',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--no-build',
      // The test's media live beside the data dir: the browser may name them.
      '--allow-root',
      t.dir,
      ...extraArgs,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const openUrl = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`serve did not start in time:\n${stderr}`)),
      60_000,
    );
    child.stdout!.on('data', (d) => {
      buf += d;
      const m = /Atelier is serving at (http:\/\/\S+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${stderr}`));
    });
  });
  const url = openUrl.replace(/\?token=.*$/, '');
  return {
    url,
    openUrl,
    token: new URL(openUrl).searchParams.get('token')!,
    dataDir,
    root: t.dir,
    child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      t.cleanup();
    },
  };
}

/** Calls an api method on a serve process the way any HTTP client would; throws the api's message. */
export async function callServe<T>(
  serve: ServeProcess,
  method: string,
  input: unknown,
): Promise<T> {
  const res = await fetch(`${serve.url}api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const r = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!r.ok) throw new Error(`${method}: ${r.error?.message}`);
  return r.value;
}
