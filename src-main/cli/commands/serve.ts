import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isLoopbackHost } from '../../server/hosts';
import { startServer } from '../../server/server';
import { appRoot } from '../../core/util/version';
import { ensureRendererBuilt } from '../ensureRenderer';
import { openForCli, resolveDataDir } from '../openCore';
import { UsageError, type CliIO } from '../output';

export const serveHelp = `atelier serve [--data-dir DIR] [--host 127.0.0.1] [--port N] [--allow-root DIR]…
              [--tls-cert FILE --tls-key FILE] [--trust-proxy] [--allow-host NAME]… [--no-build]
  Serves the app to a browser: prints "Atelier is serving at http://HOST:PORT/?token=…".
  --port 0 picks a free port. Binds 127.0.0.1 unless told otherwise. The printed URL's token
  works from this computer only; everyone else signs in with an account (atelier users add).
  Any other --host needs at least one account, and should use --tls-cert/--tls-key (PEM files)
  or a reverse proxy that terminates TLS: --trust-proxy honours its X-Forwarded-For/-Proto
  (from a proxy on this machine), --allow-host names the public host name it forwards.
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
      'allow-host': { type: 'string', multiple: true, default: [] },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'trust-proxy': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0–65535, got ${values.port}`);
  if (!values['tls-cert'] !== !values['tls-key'])
    throw new UsageError('--tls-cert and --tls-key go together (PEM certificate and its key)');
  const tls = values['tls-cert']
    ? { cert: readPem(values['tls-cert'], 'certificate'), key: readPem(values['tls-key']!, 'key') }
    : undefined;
  const root = appRoot();
  const rendererDir = values['no-build']
    ? `${root}/out/renderer`
    : await ensureRendererBuilt(root, (l) => io.err(l));
  const core = await openForCli(resolveDataDir(values['data-dir']), 'serve', true);
  for (const dir of values['allow-root']) core.allowedRoots.push(path.resolve(dir));
  let server;
  try {
    server = await startServer({
      core,
      rendererDir,
      host: values.host,
      port,
      tls,
      trustProxy: values['trust-proxy'],
      allowHosts: values['allow-host'],
    });
  } catch (err) {
    await core.dispose();
    throw err;
  }
  io.out(`Atelier is serving at ${server.openUrl}`);
  if (!isLoopbackHost(values.host)) {
    io.err(`Others sign in at ${server.url} with their accounts (atelier users list).`);
    if (!tls && !values['trust-proxy'])
      io.err(
        'Warning: plain HTTP on the network: passwords and session cookies can be read on the way. Use --tls-cert/--tls-key or a reverse proxy with TLS.',
      );
  }
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

function readPem(file: string, what: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    throw new UsageError(`Cannot read the TLS ${what} ${file}: ${(err as Error).message}`);
  }
  if (!pem.includes('-----BEGIN '))
    throw new UsageError(`${file} is not a PEM ${what} (no "-----BEGIN" line)`);
  return pem;
}
