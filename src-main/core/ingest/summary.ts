import type { IngestOutcome, IngestSummary } from '../../contract/library';

export function summarize(outcomes: IngestOutcome[]): IngestSummary {
  const s: IngestSummary = {
    added: 0,
    duplicates: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    failed: [],
    outcomes,
  };
  for (const o of outcomes) {
    if (o.outcome === 'added') s.added++;
    else if (o.outcome === 'duplicate') s.duplicates++;
    else if (o.outcome === 'updated' || o.outcome === 'moved' || o.outcome === 'restored')
      s.updated++;
    else if (o.outcome === 'unchanged') s.unchanged++;
    else if (o.outcome === 'skipped') s.skipped++;
    else s.failed.push({ path: o.path, reason: o.reason ?? 'Unknown error' });
  }
  return s;
}
