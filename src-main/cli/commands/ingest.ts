import { parseArgs } from 'node:util';
import type { IngestSummary } from '../../contract/library';
import { createApi } from '../../core/api/dispatch';
import { openForCli, resolveDataDir } from '../openCore';
import { printJson, UsageError, type CliIO } from '../output';

export const ingestHelp = `atelier ingest PATH… [--data-dir DIR] [--json]
  Adds files (or whole folders) to the library where they are: hashed, deduplicated, probed,
  thumbnailed. Prints what was added, linked as duplicates, updated, and what failed and why.
  Exits 1 when any file failed.`;

export async function ingestCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new UsageError('Give at least one file or folder to ingest');
  const core = await openForCli(resolveDataDir(values['data-dir']), 'cli', false);
  let summary: IngestSummary;
  try {
    const r = await createApi(core).invoke('ingest.importFiles', { paths: positionals });
    if (!r.ok) throw new Error(r.error.message);
    summary = r.value as IngestSummary;
  } finally {
    await core.dispose();
  }
  if (values.json) {
    printJson(io, summary);
  } else {
    const n = (k: number, what: string) => `${k} ${what}`;
    io.out(
      [
        n(summary.added, 'added'),
        n(summary.duplicates, 'duplicates'),
        n(summary.updated, 'updated'),
        n(summary.unchanged, 'unchanged'),
        n(summary.failed.length, 'failed'),
      ].join(', '),
    );
    for (const f of summary.failed) io.out(`  ✗ ${f.path}\n      ${f.reason}`);
  }
  return summary.failed.length > 0 ? 1 : 0;
}
