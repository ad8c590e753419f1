import { useEffect, useState } from 'react';
import type { GpuBalance, UsageGrouping, UsageReport } from '@contract/index';
import { api } from '../api/client';
import { useIsManager } from '../accounts/session';
import { Icon } from '../components/Icon';
import { EmptyState, PageHeader } from '../components/PageHeader';
import { toastError } from '../stores/toasts';
import './usage.css';

const groupings: { id: UsageGrouping; label: string; managersOnly?: boolean }[] = [
  { id: 'model', label: 'Model' },
  { id: 'pack', label: 'Pack' },
  { id: 'day', label: 'Day' },
  { id: 'engine', label: 'Engine' },
  { id: 'kind', label: 'Job kind' },
  { id: 'user', label: 'Person', managersOnly: true },
];

const ranges = [
  { id: '7', label: 'Last 7 days', days: 7 },
  { id: '30', label: 'Last 30 days', days: 30 },
  { id: '90', label: 'Last 90 days', days: 90 },
  { id: 'all', label: 'All time', days: null },
] as const;

function localDate(daysAgo: number): string {
  const d = new Date();
  d.setDate(d.getDate() - daysAgo);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function duration(h: number): string {
  if (h === 0) return '—';
  const min = h * 60;
  if (min * 60 < 1) return '< 1 s';
  if (min < 1) return `${Math.round(min * 60)} s`;
  if (min < 60) return `${min.toFixed(min < 10 ? 1 : 0)} min`;
  return `${h.toFixed(h < 10 ? 2 : 1)} h`;
}

function BalanceCard({ balance }: { balance: GpuBalance }) {
  const q = balance.quotaMinutes;
  const pct = q ? Math.min(100, ((balance.usedMinutes + balance.heldMinutes) / q) * 100) : 0;
  return (
    <section
      className="card usage-balance"
      aria-labelledby="balance-title"
      data-testid="gpu-balance"
    >
      <h2 id="balance-title">Your GPU time today</h2>
      {q === null ? (
        <p>
          <strong>{balance.usedMinutes}</strong> GPU minutes used
          {balance.heldMinutes > 0 && <>, about {balance.heldMinutes} waiting in the queue</>}.{' '}
          <span className="muted">No daily limit.</span>
        </p>
      ) : (
        <>
          <p>
            <strong>{balance.remainingMinutes}</strong> of {q} GPU minutes left
            <span className="muted">
              {' '}
              · {balance.usedMinutes} used
              {balance.heldMinutes > 0 && `, ${balance.heldMinutes} held for queued jobs`} · starts
              again at midnight
            </span>
          </p>
          <div
            className="usage-meter"
            role="meter"
            aria-valuemin={0}
            aria-valuemax={q}
            aria-valuenow={q - (balance.remainingMinutes ?? 0)}
          >
            <div style={{ width: `${pct}%` }} className={pct >= 90 ? 'full' : ''} />
          </div>
        </>
      )}
    </section>
  );
}

/** The usage ledger: what the studio's jobs used, by model, pack, day, engine, kind or person. */
export function UsagePage() {
  const manager = useIsManager();
  const [by, setBy] = useState<UsageGrouping>('model');
  const [range, setRange] = useState<(typeof ranges)[number]['id']>('30');
  const [report, setReport] = useState<UsageReport | null>(null);
  const [balance, setBalance] = useState<GpuBalance | null>(null);

  useEffect(() => {
    const days = ranges.find((r) => r.id === range)!.days;
    let live = true;
    api.call('usage.report', { by, ...(days ? { since: localDate(days - 1) } : {}) }).then(
      (r) => live && setReport(r),
      (err) => toastError('Could not load usage', err),
    );
    return () => {
      live = false;
    };
  }, [by, range]);
  useEffect(() => {
    api.call('usage.balance', {}).then(setBalance, () => setBalance(null));
  }, []);

  const maxGpu = Math.max(0, ...(report?.rows.map((r) => r.gpuHours) ?? [0]));
  return (
    <div className="page">
      <PageHeader
        title="Usage"
        subtitle={
          manager
            ? 'What the studio’s jobs used: GPU and CPU time, failures and outputs.'
            : 'What your jobs used: GPU and CPU time, failures and outputs.'
        }
        actions={
          <select
            aria-label="Period"
            value={range}
            onChange={(e) => setRange(e.target.value as typeof range)}
          >
            {ranges.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        }
      />
      <div className="stack">
        {balance && <BalanceCard balance={balance} />}
        <div className="usage-tabs" role="tablist" aria-label="Group by">
          {groupings
            .filter((g) => manager || !g.managersOnly)
            .map((g) => (
              <button
                key={g.id}
                role="tab"
                aria-selected={by === g.id}
                className={`usage-tab${by === g.id ? ' active' : ''}`}
                onClick={() => setBy(g.id)}
              >
                {g.label}
              </button>
            ))}
        </div>
        {report && report.rows.length === 0 ? (
          <EmptyState icon={<Icon name="usage" size={28} />} title="No jobs in this period">
            Upscales, generations, exports and every other job show here once they run.
          </EmptyState>
        ) : (
          report && (
            <div className="card usage-table-card">
              <table className="usage-table" data-testid="usage-table">
                <thead>
                  <tr>
                    <th>{groupings.find((g) => g.id === by)!.label}</th>
                    <th className="num">Jobs</th>
                    <th className="num">Failed</th>
                    <th className="gpu">GPU time</th>
                    <th className="num">CPU time</th>
                    <th className="num">Wall time</th>
                    <th className="num">Outputs</th>
                  </tr>
                </thead>
                <tbody>
                  {report.rows.map((r) => (
                    <tr key={r.key ?? '∅'}>
                      <td className={r.key === null ? 'muted' : ''}>{r.label}</td>
                      <td className="num">{r.jobs.toLocaleString()}</td>
                      <td className={`num${r.failureRate && r.failureRate >= 0.2 ? ' bad' : ''}`}>
                        {r.failureRate === null ? '—' : `${Math.round(r.failureRate * 100)}%`}
                      </td>
                      <td className="gpu">
                        <span className="usage-bar" aria-hidden="true">
                          <span style={{ width: `${maxGpu ? (r.gpuHours / maxGpu) * 100 : 0}%` }} />
                        </span>
                        {duration(r.gpuHours)}
                      </td>
                      <td className="num">{duration(r.cpuHours)}</td>
                      <td className="num">{duration(r.wallHours)}</td>
                      <td className="num">{r.outputs.toLocaleString()}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <td>Total</td>
                    <td className="num">{report.total.jobs.toLocaleString()}</td>
                    <td className="num">
                      {report.total.failureRate === null
                        ? '—'
                        : `${Math.round(report.total.failureRate * 100)}%`}
                    </td>
                    <td className="gpu">{duration(report.total.gpuHours)}</td>
                    <td className="num">{duration(report.total.cpuHours)}</td>
                    <td className="num">{duration(report.total.wallHours)}</td>
                    <td className="num">{report.total.outputs.toLocaleString()}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
          )
        )}
      </div>
    </div>
  );
}
