/**
 * `npm run bench -- ingest` (or `npx tsx test/bench/ingest.bench.ts`): full ingest vs the bare
 * reference work, watcher latency over a burst of drops, event-loop delay, peak RSS.
 *
 * Env: BENCH_SCALE (default 1 = 2,000 PNG, 200 JPEG, 50 WAV, 20 MP4, 500-file burst; 0.05 for
 * a quick run), BENCH_DIR (corpus cache, default $TMPDIR/atelier-bench), BENCH_BURST_RATE
 * (drops per second in the paced burst, default 10), BENCH_ONLY=watch (only the watcher latency),
 * ATELIER_INGEST_CONCURRENCY (default 4).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import sharp from 'sharp';
import { openAtelier, type Atelier } from '../../src-main/core/app/atelier';
import { importPaths } from '../../src-main/core/ingest/importPaths';
import { startWatchService } from '../../src-main/core/watch/watchService';
import { ensureCorpus, listCorpus, noisyPng } from './ingestCorpus';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const spec = {
  png: Math.max(2, Math.round(2000 * scale)),
  jpeg: Math.max(1, Math.round(200 * scale)),
  wav: Math.max(1, Math.round(50 * scale)),
  mp4: Math.max(1, Math.round(20 * scale)),
};
const burst = Math.max(10, Math.round(500 * scale));
const burstRate = Number(process.env.BENCH_BURST_RATE ?? '10');
const concurrency = Number(process.env.ATELIER_INGEST_CONCURRENCY ?? '4');
const benchRoot = process.env.BENCH_DIR ?? path.join(os.tmpdir(), 'atelier-bench');

const log = (s: string) => process.stderr.write(`${s}\n`);
const mb = (n: number) => n / 1024 / 1024;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** CPU seconds of this process and its waited-for children (ffprobe/ffmpeg), from /proc. */
function cpuSeconds(): number {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // Fields after the command: utime, stime, cutime, cstime are the 12th–15th.
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
}

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(t), Math.max(peak, process.memoryUsage().rss)) };
}

/** The bare work: read once, SHA-256, sharp metadata + one 256 px WebP, one insert; same concurrency. */
async function reference(files: { path: string; size: number; kind: string }[], dir: string) {
  const db = new BetterSqlite3(path.join(dir, 'ref.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE f (path TEXT PRIMARY KEY, sha TEXT, w INT, h INT, thumb BLOB)');
  const ins = db.prepare('INSERT INTO f VALUES (?, ?, ?, ?, ?)');
  let next = 0;
  const c0 = cpuSeconds();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < files.length) {
        const f = files[next++]!;
        const buf = await readFile(f.path);
        const sha = createHash('sha256').update(buf).digest('hex');
        let w = null;
        let h = null;
        let thumb = null;
        if (f.kind === 'png' || f.kind === 'jpeg') {
          const m = await sharp(buf).metadata();
          w = m.width;
          h = m.height;
          thumb = await sharp(buf).resize(256, 256, { fit: 'inside' }).webp().toBuffer();
        }
        ins.run(f.path, sha, w, h, thumb);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  db.close();
  return { secs, cpu };
}

async function fullIngest(corpus: string, dataDir: string) {
  const core = await openAtelier({ dataDir, host: 'cli', services: false });
  const h = monitorEventLoopDelay({ resolution: 10 });
  const rss = rssSampler();
  h.enable();
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const summary = await importPaths(core, [corpus]);
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  h.disable();
  const peak = rss.stop();
  await core.dispose();
  return { secs, cpu, summary, elP99: h.percentile(99) / 1e6, elMax: h.max / 1e6, peakRss: peak };
}

async function watcherLatency(dataDir: string, count: number, ratePerSec: number | null) {
  const core: Atelier = await openAtelier({ dataDir, host: 'serve', services: false });
  const service = await startWatchService(core, { createInbox: true });
  await service.settled();
  const inbox = (
    core.sqlite.prepare('SELECT path FROM watch_folders WHERE is_inbox = 1').get() as {
      path: string;
    }
  ).path;
  const buffers = await Promise.all(
    Array.from({ length: count }, (_, i) => noisyPng(512, 900_000 + i + (ratePerSec ? 0 : 50_000))),
  );
  const written = new Map<string, number>();
  const latencies: number[] = [];
  const finished = new Promise<void>((resolve) => {
    core.events.on('asset.added', (a) => {
      const w = written.get(a.path);
      if (w === undefined) return;
      latencies.push(performance.now() - w);
      if (latencies.length === count) resolve();
    });
  });
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    if (ratePerSec) {
      const due = t0 + (i * 1000) / ratePerSec;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const file = path.join(inbox, `drop-${ratePerSec ? 'paced' : 'once'}-${i}.png`);
    writeFileSync(file, buffers[i]!);
    written.set(file, performance.now());
  }
  const timeout = new Promise<void>((r) => setTimeout(r, 120_000));
  await Promise.race([finished, timeout]);
  await core.dispose();
  return {
    n: latencies.length,
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    max: Math.max(...latencies),
  };
}

async function main() {
  mkdirSync(benchRoot, { recursive: true });
  const corpus = await ensureCorpus(benchRoot, spec, log);
  const files = listCorpus(corpus);
  const bytes = files.reduce((s, f) => s + f.size, 0);
  const work = path.join(benchRoot, `run-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  log(
    `corpus: ${files.length} files, ${mb(bytes).toFixed(0)} MB (${spec.png} PNG, ${spec.jpeg} JPEG, ${spec.wav} WAV, ${spec.mp4} MP4); concurrency ${concurrency}`,
  );

  if (process.env.BENCH_ONLY === 'watch') {
    const w = await watcherLatency(path.join(work, 'data-watch-only'), burst, burstRate);
    process.stdout.write(
      `watcher latency paced   ${w.n}/${burst} drops at ${burstRate}/s: p50 ${w.p50.toFixed(0)} ms, p95 ${w.p95.toFixed(0)} ms, max ${w.max.toFixed(0)} ms\n`,
    );
    rmSync(work, { recursive: true, force: true });
    return;
  }
  // Warm the page cache so neither run pays for cold reads.
  for (const f of files) await readFile(f.path);

  log('reference run …');
  const ref = await reference(files, work);
  const refSecs = ref.secs;
  log('full ingest …');
  const full = await fullIngest(corpus, path.join(work, 'data-full'));
  const s = full.summary;
  if (s.failed.length)
    log(
      `  failures: ${s.failed
        .slice(0, 5)
        .map((f) => `${f.path}: ${f.reason}`)
        .join('; ')}`,
    );

  const imgs = files.filter((f) => f.kind === 'png' || f.kind === 'jpeg');
  log('watcher latency (paced) …');
  const paced = await watcherLatency(path.join(work, 'data-watch-paced'), burst, burstRate);
  log('watcher latency (all at once) …');
  const once = await watcherLatency(path.join(work, 'data-watch-once'), burst, null);

  const fullRate = files.length / full.secs;
  const refRate = files.length / refSecs;
  const lines = [
    `Ingest benchmark (${os.cpus().length} CPUs, Node ${process.versions.node}, sharp ${sharp.versions.sharp}/vips ${sharp.versions.vips})`,
    `corpus                  ${files.length} files (${imgs.length} images), ${mb(bytes).toFixed(0)} MB`,
    `full ingest             ${full.secs.toFixed(1)} s  ${fullRate.toFixed(1)} files/s  ${(mb(bytes) / full.secs).toFixed(1)} MB/s  (added ${s.added}, duplicates ${s.duplicates}, failed ${s.failed.length})`,
    `bare reference          ${refSecs.toFixed(1)} s  ${refRate.toFixed(1)} files/s  ${(mb(bytes) / refSecs).toFixed(1)} MB/s`,
    `ratio full/reference    ${(fullRate / refRate).toFixed(2)}× by wall time  (target ≥ 0.80×)`,
    `CPU time                full ${full.cpu.toFixed(1)} s, reference ${ref.cpu.toFixed(1)} s (children included): ratio ${(ref.cpu / full.cpu).toFixed(2)}×`,
    `load average at end     ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}  (other processes on this machine skew wall times)`,
    `event-loop delay        p99 ${full.elP99.toFixed(1)} ms, max ${full.elMax.toFixed(1)} ms during the full ingest  (target p99 ≤ 50 ms)`,
    `peak RSS                ${mb(full.peakRss).toFixed(0)} MB during the full ingest  (target ≤ 400 MB)`,
    `watcher latency paced   ${paced.n}/${burst} drops at ${burstRate}/s: p50 ${paced.p50.toFixed(0)} ms, p95 ${paced.p95.toFixed(0)} ms, max ${paced.max.toFixed(0)} ms  (target p50 ≤ 350, p95 ≤ 1000)`,
    `watcher latency at once ${once.n}/${burst} drops written together: p50 ${once.p50.toFixed(0)} ms, p95 ${once.p95.toFixed(0)} ms, max ${once.max.toFixed(0)} ms  (throughput-bound)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  rmSync(work, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
