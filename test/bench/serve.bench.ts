/**
 * `npm run bench -- serve [--clients 200] [--seconds 20] [--assets 100000] [--images 1500]`:
 * the served api under a studio's load. A real `atelier serve` (its own process) over a library
 * of 100,000 assets, 200 signed-in browser sessions on loopback, each with its event stream open
 * and asking for a grid page (`library.query`, 100 cards, the grid's default sort) about once a
 * second with jitter, as scrolling does, while an ingest of fresh PNGs runs. Reports the
 * api's p50/p95 against the 20 ms, and the sign-in p50/p95 (scrypt's cost, measured
 * alone, one at a time) against 300 ms. One run.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { addUser } from '../../src-main/core/accounts/users';
import { openAtelier } from '../../src-main/core/app/atelier';
import { insertAssets, makeAssets } from '../core/browse/helpers';
import { tempDir } from '../helpers/tempDir';
import { ensureCorpus } from './ingestCorpus';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    assets: { type: 'string', default: '100000' },
    images: { type: 'string', default: '1500' },
  },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const total = Number(values.assets);
const PASSWORD = 'bench password, long enough';
const UA = 'Mozilla/5.0 (bench)';
const log = (s: string) => console.log(s);

const t = tempDir('atelier-bench-serve-');
const dataDir = path.join(t.dir, 'data');
const corpus = await ensureCorpus(
  path.join(process.env.TMPDIR ?? '/tmp', 'atelier-bench-corpus'),
  { png: Number(values.images), jpeg: 0, wav: 0, mp4: 0 },
  log,
);

log(`Seeding ${total.toLocaleString('en')} assets and an account…`);
{
  const core = await openAtelier({ dataDir, host: 'cli', services: false });
  for (let i = 0; i < total; i += 50_000)
    insertAssets(
      core.sqlite,
      makeAssets(Math.min(50_000, total - i), {
        seed: 1000 + i,
        indexOffset: i,
        start: Date.parse('2024-01-01T00:00:00Z') + i * 60_000,
      }),
    );
  core.sqlite.exec('ANALYZE');
  await addUser(core, core.localOwner, {
    email: 'mia@studio.test',
    role: 'member',
    password: PASSWORD,
  });
  await core.dispose();
}

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
    '--allow-root',
    corpus,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const openUrl = await new Promise<string>((resolve, reject) => {
  let buf = '';
  child.stdout!.on('data', (d) => {
    buf += d;
    const m = /Atelier is serving at (http:\/\/\S+)/.exec(buf);
    if (m) resolve(m[1]!);
  });
  child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
});
// Whatever happens below, the server goes with the bench.
process.on('exit', () => child.kill('SIGTERM'));
const base = new URL(openUrl);
const token = base.searchParams.get('token')!;
const port = Number(base.port);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients + 8 });

function request(
  method: string,
  p: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: p,
        method,
        agent,
        headers: { 'User-Agent': UA, 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (data += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const signIn = async () => {
  const r = await request(
    'POST',
    '/auth/sign-in',
    {},
    JSON.stringify({ email: 'mia@studio.test', password: PASSWORD }),
  );
  if (r.status !== 200) throw new Error(`sign-in: ${r.status} ${r.body}`);
  return {
    cookie: String(r.headers['set-cookie']?.[0]).split(';')[0]!,
    csrf: (JSON.parse(r.body) as { value: { csrf: string } }).value.csrf,
  };
};

const quantiles = (times: number[]) => {
  const s = [...times].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), n: s.length };
};

log('Sign-in, one at a time (the password hash’s cost)…');
const signInTimes: number[] = [];
for (let i = 0; i < 30; i++) {
  const s0 = performance.now();
  await signIn();
  signInTimes.push(performance.now() - s0);
}
const si = quantiles(signInTimes);

log(`Signing in ${clients} browsers and opening their event streams…`);
const sessions: { cookie: string; csrf: string }[] = [];
for (let i = 0; i < clients; i += 4)
  sessions.push(...(await Promise.all(Array.from({ length: Math.min(4, clients - i) }, signIn))));
const sockets = await Promise.all(
  sessions.map(
    (s) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/events`, {
          headers: { Cookie: s.cookie, 'User-Agent': UA, Origin: `http://127.0.0.1:${port}` },
        });
        ws.on('open', () => resolve(ws));
        ws.on('error', reject);
      }),
  ),
);
let eventsSeen = 0;
for (const ws of sockets) ws.on('message', () => eventsSeen++);

log(`Ingest of ${values.images} PNGs started; ${clients} clients query for ${seconds} s…`);
const ingest = request(
  'POST',
  '/api/ingest.importFiles',
  { Authorization: `Bearer ${token}` },
  JSON.stringify({ paths: [corpus] }),
);
const times: number[] = [];
let errors = 0;
const end = Date.now() + seconds * 1000;
await Promise.all(
  sessions.map(async (s, i) => {
    // Clients start spread over the first second, then ask about once a second.
    await new Promise((r) => setTimeout(r, (i / clients) * 1000));
    while (Date.now() < end) {
      const s0 = performance.now();
      const r = await request(
        'POST',
        '/api/library.query',
        { Cookie: s.cookie, 'X-Atelier-CSRF': s.csrf },
        JSON.stringify({ limit: 100 }),
      );
      times.push(performance.now() - s0);
      if (r.status !== 200) errors++;
      await new Promise((r2) => setTimeout(r2, 700 + Math.random() * 600));
    }
  }),
);
const q = quantiles(times);
const status = await request(
  'POST',
  '/api/ingest.progress',
  { Authorization: `Bearer ${token}` },
  '{}',
);
const progress = (JSON.parse(status.body) as { value: unknown }).value;

console.log('');
console.log(
  `library.query, ${clients} signed-in clients, ${total.toLocaleString('en')} assets, ingest running:`,
);
console.log(
  `  ${q.n} requests (${(q.n / seconds).toFixed(0)}/s), ${errors} errors: p50 ${q.p50.toFixed(2)} ms, p95 ${q.p95.toFixed(2)} ms, p99 ${q.p99.toFixed(2)} ms (target p95 ≤ 20 ms: ${(q.p95 / 20).toFixed(2)}× the target)`,
);
console.log(
  `  sign-in (scrypt N=2^15): p50 ${si.p50.toFixed(0)} ms, p95 ${si.p95.toFixed(0)} ms (target p95 ≤ 300 ms: ${(si.p95 / 300).toFixed(2)}×)`,
);
console.log(`  events delivered to the clients: ${eventsSeen.toLocaleString('en')}`);
console.log(`  ingest at the end: ${JSON.stringify(progress)}`);

for (const ws of sockets) ws.close();
agent.destroy();
child.kill('SIGTERM');
await Promise.race([ingest.catch(() => undefined), new Promise((r) => setTimeout(r, 100))]);
await new Promise((r) => child.once('exit', r));
t.cleanup();
process.exit(0);
