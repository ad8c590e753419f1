import { parseArgs } from 'node:util';
import type { JobDetail, JobPage, JobStatusName, JobSummary } from '../../contract/jobs';
import { jobStatuses } from '../../contract/jobs';
import { call, createApi } from '../../core/api/dispatch';
import { printJson, UsageError, type CliIO } from '../output';
import { formatEta } from './progressText';
import { runAndWait } from './runAndWait';
import { existsSync } from 'node:fs';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../../core/app/atelier';
import { layoutOf } from '../../core/datadir/dataDir';
import { isDataDirLocked, readLock } from '../../core/datadir/lock';
import { openForCli, resolveDataDir } from '../openCore';

/**
 * Opens the library for a jobs/process command. Only one process may hold a data directory, so
 * when the app or `atelier serve` has it open the command says so instead of a bare lock error.
 */
export async function openForJobs(dataDirFlag: string | undefined): Promise<Atelier> {
  const dataDir = resolveDataDir(dataDirFlag);
  const layout = layoutOf(dataDir);
  if (existsSync(layout.database) && isDataDirLocked(layout.lock)) {
    const holder = readLock(layout.lock);
    throw new AppError(
      'conflict',
      `Atelier is already running on this library (${holder?.host ?? 'another process'}, pid ${holder?.pid ?? '?'}). ` +
        `Its queue is the one that runs jobs: use the Jobs page there, or stop it and run this command again.`,
    );
  }
  return openForCli(dataDir, 'cli', false);
}

export function jobLine(j: JobSummary): string {
  const pct = j.status === 'running' ? ` ${(j.progress * 100).toFixed(0)}%` : '';
  const kids = j.children ? ` (${j.children.completed}/${j.children.total})` : '';
  return `${j.id}  ${j.status.padEnd(9)}${pct.padEnd(5)} ${j.kind.padEnd(16)} ${j.title}${kids}${j.error ? `  — ${j.error}` : ''}`;
}

export const jobsHelp = `atelier jobs list [--status queued,running,…] [--limit N] [--json]
atelier jobs show JOB_ID [--log N] [--json]
atelier jobs cancel JOB_ID
atelier jobs retry JOB_ID [--wait]
  The job queue: list jobs, show one with its log tail, cancel or retry one. retry --wait runs
  the job here with a progress bar and exits when it ends (0 if it completed).`;

export async function jobsCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      status: { type: 'string' },
      limit: { type: 'string', default: '50' },
      log: { type: 'string', default: '20' },
      wait: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!sub || !['list', 'show', 'cancel', 'retry'].includes(sub))
    throw new UsageError(`Unknown jobs subcommand: ${sub ?? '(none)'}`);
  const needsId = sub !== 'list';
  if (needsId && positionals.length !== 1)
    throw new UsageError(`atelier jobs ${sub} takes one JOB_ID`);
  const statuses = values.status
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of statuses ?? []) {
    if (!(jobStatuses as readonly string[]).includes(s))
      throw new UsageError(`--status: unknown status ${s} (use ${jobStatuses.join(', ')})`);
  }
  const core = await openForJobs(values['data-dir']);
  try {
    const api = createApi(core);
    if (sub === 'list') {
      const page = (await call(api, 'jobs.list', {
        status: statuses as JobStatusName[] | undefined,
        parentId: null,
        limit: Number(values.limit),
      })) as JobPage;
      if (values.json) return (printJson(io, page), 0);
      const c = page.counts;
      io.out(
        `${c.queued} queued · ${c.running} running · ${c.completed} completed · ${c.failed} failed · ${c.cancelled} cancelled`,
      );
      for (const j of page.items) io.out(jobLine(j));
      if (page.nextCursor) io.out(`… more (use --limit or the Jobs page)`);
      return 0;
    }
    const id = positionals[0]!;
    if (sub === 'show') {
      const job = (await call(api, 'jobs.get', { id, logLines: Number(values.log) })) as JobDetail;
      if (values.json) return (printJson(io, job), 0);
      io.out(jobLine(job));
      io.out(
        `  created ${job.createdAt}${job.startedAt ? ` · started ${job.startedAt}` : ''}${job.finishedAt ? ` · finished ${job.finishedAt}` : ''}`,
      );
      io.out(
        `  attempts ${job.attempts}/${job.maxAttempts} · ${job.leaseLabel ? `on ${job.leaseLabel}` : `pool ${job.pool}`} · priority ${job.priority}`,
      );
      if (job.status === 'running')
        io.out(
          `  ${(job.progress * 100).toFixed(1)}% ${job.message ?? ''} ${formatEta(job.etaSec)}`,
        );
      io.out(`  params ${JSON.stringify(job.params)}`);
      if (job.outputAssetIds.length) io.out(`  outputs ${job.outputAssetIds.join(', ')}`);
      for (const c of job.childJobs) io.out(`  · ${jobLine(c)}`);
      if (job.logTail.length) {
        io.out('  log:');
        for (const l of job.logTail) io.out(`    ${l.at} ${l.level} ${l.message}`);
      }
      return 0;
    }
    if (values.wait && sub !== 'retry') throw new UsageError('--wait goes with atelier jobs retry');
    const job = (await call(api, sub === 'cancel' ? 'jobs.cancel' : 'jobs.retry', {
      id,
    })) as JobSummary;
    if (sub === 'retry' && values.wait) {
      const final = await runAndWait(core, job.id, io, values.json);
      if (values.json) printJson(io, final);
      else io.out(jobLine(final));
      return final.status === 'completed' ? 0 : 1;
    }
    if (values.json) return (printJson(io, job), 0);
    io.out(jobLine(job));
    if (sub === 'retry')
      io.out(
        'Queued again: it runs when the app or `atelier serve` is running; add --wait to run it now.',
      );
    return 0;
  } finally {
    await core.dispose();
  }
}
