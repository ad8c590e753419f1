import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../../server/server';
import { appRoot } from '../../core/util/version';
import { ensureRendererBuilt } from '../ensureRenderer';
import { openForCli, resolveDataDir } from '../openCore';
import { UsageError, type CliIO } from '../output';

export const serveHelp = `atelier serve [--data-dir DIR] [--host 127.0.0.1] [--port N] [--allow-root DIR]… [--no-build]
  Serves the app to a browser: prints "Atelier is serving at http://HOST:PORT/?token=…".
  --port 0 picks a free port. Binds 127.0.0.1 unless told otherwise; every request needs the token.
  A browser may name places on this machine (files to import, an export folder, a program) only
  inside the data dir, a watched folder or a folder given with --allow-root.`;

export async function serveCommand(
  argv: string[],
  io: CliIO,
  signal?: AbortSignal,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '4477' },
      'no-build': { type: 'boolean', default: false },
      'allow-root': { type: 'string', multiple: true, default: [] },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0–65535, got ${values.port}`);
  const root = appRoot();
  const rendererDir = values['no-build']
    ? `${root}/out/renderer`
    : await ensureRendererBuilt(root, (l) => io.err(l));
  const core = await openForCli(resolveDataDir(values['data-dir']), 'serve', true);
  for (const dir of values['allow-root']) core.allowedRoots.push(path.resolve(dir));
  let server;
  try {
    server = await startServer({ core, rendererDir, host: values.host, port });
  } catch (err) {
    await core.dispose();
    throw err;
  }
  if (values.host !== '127.0.0.1' && values.host !== 'localhost' && values.host !== '::1') {
    io.err(
      `Warning: listening on ${values.host}: anyone who can reach this address and has the token can use your library.`,
    );
  }
  io.out(`Atelier is serving at ${server.openUrl}`);
  io.err(`Data directory: ${core.layout.root}. Press Ctrl+C to stop.`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  io.err('Stopping…');
  await server.close();
  await core.dispose();
  return 0;
}
