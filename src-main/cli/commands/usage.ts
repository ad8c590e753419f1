import { parseArgs } from 'node:util';
import { AppError } from '../../contract/errors';
import {
  usageGroupings,
  type GpuBalance,
  type UsageGrouping,
  type UsageReport,
} from '../../contract/usage';
import { createApi } from '../../core/api/dispatch';
import { openForCli, resolveDataDir } from '../openCore';
import { printJson, UsageError, type CliIO } from '../output';

export const usageHelp = `atelier usage [--by model|user|engine|kind|day|pack] [--since DATE] [--until DATE] [--user EMAIL] [--json]
atelier usage balance [--user EMAIL]
  What the studio's jobs used: GPU, CPU and wall hours, jobs, failure rate and outputs, by model
  (default), user, engine, job kind, day or pack. DATE is YYYY-MM-DD (local time). "balance"
  shows today's GPU minutes against a user's quota.`;

const hours = (h: number) => (h < 1 ? `${(h * 60).toFixed(1)} min` : `${h.toFixed(2)} h`);

function table(io: CliIO, r: UsageReport): void {
  const head = [
    r.by.padEnd(28),
    'jobs'.padStart(6),
    'failed'.padStart(7),
    'GPU'.padStart(10),
    'CPU'.padStart(10),
    'wall'.padStart(10),
    'outputs'.padStart(8),
  ];
  io.out(head.join(' '));
  const line = (label: string, x: UsageReport['total']) =>
    io.out(
      [
        label.slice(0, 28).padEnd(28),
        String(x.jobs).padStart(6),
        (x.failureRate === null ? '—' : `${Math.round(x.failureRate * 100)}%`).padStart(7),
        hours(x.gpuHours).padStart(10),
        hours(x.cpuHours).padStart(10),
        hours(x.wallHours).padStart(10),
        String(x.outputs).padStart(8),
      ].join(' '),
    );
  for (const row of r.rows) line(row.label, row);
  if (r.rows.length === 0) io.out('(no jobs in this range)');
  else line('total', r.total);
}

export async function usageCommand(argv: string[], io: CliIO): Promise<number> {
  const balance = argv[0] === 'balance';
  const { values } = parseArgs({
    args: balance ? argv.slice(1) : argv,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      by: { type: 'string', default: 'model' },
      since: { type: 'string' },
      until: { type: 'string' },
      user: { type: 'string' },
    },
    strict: true,
  });
  if (!(usageGroupings as readonly string[]).includes(values.by))
    throw new UsageError(`--by is one of ${usageGroupings.join(', ')}`);
  const core = await openForCli(resolveDataDir(values['data-dir']), 'cli', false);
  try {
    const api = createApi(core);
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const r = await api.invoke(method, input);
      if (!r.ok) throw new AppError(r.error.code, r.error.message);
      return r.value as T;
    };
    if (balance) {
      const b = await call<GpuBalance>('usage.balance', values.user ? { user: values.user } : {});
      if (values.json) printJson(io, b);
      else
        io.out(
          b.quotaMinutes === null
            ? `No GPU quota; ${b.usedMinutes} GPU minutes used today, ${b.heldMinutes} held for queued jobs.`
            : `${b.remainingMinutes} of ${b.quotaMinutes} GPU minutes left today (${b.usedMinutes} used, ${b.heldMinutes} held for queued jobs).`,
        );
      return 0;
    }
    const report = await call<UsageReport>('usage.report', {
      by: values.by as UsageGrouping,
      ...(values.since ? { since: values.since } : {}),
      ...(values.until ? { until: values.until } : {}),
      ...(values.user ? { user: values.user } : {}),
    });
    if (values.json) printJson(io, report);
    else table(io, report);
    return 0;
  } finally {
    await core.dispose();
  }
}
