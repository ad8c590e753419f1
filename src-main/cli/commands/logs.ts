import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { layoutOf } from '../../core/datadir/dataDir';
import type { LogLevel } from '../../core/log/appLog';
import { followLog, logFileIn, tailLog } from '../../core/log/readLog';
import { resolveDataDir } from '../openCore';
import { UsageError, type CliIO } from '../output';

export const logsHelp = `atelier logs [-n LINES] [-f] [--level debug|info|warn|error] [--grep TEXT] [--data-dir DIR]
  The application log (logs/atelier.log): requests, engine command lines (secrets hidden),
  job events and errors, each with its request or job id. -f keeps printing new lines.`;

const levels: LogLevel[] = ['debug', 'info', 'warn', 'error'];

export async function logsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      lines: { type: 'string', short: 'n', default: '50' },
      follow: { type: 'boolean', short: 'f', default: false },
      level: { type: 'string' },
      grep: { type: 'string' },
    },
    strict: true,
  });
  const lines = Number(values.lines);
  if (!Number.isInteger(lines) || lines < 0) throw new UsageError('-n takes a whole number');
  if (values.level && !levels.includes(values.level as LogLevel))
    throw new UsageError(`--level is one of ${levels.join(', ')}`);
  const filter = { level: values.level as LogLevel | undefined, grep: values.grep };
  const logs = layoutOf(resolveDataDir(values['data-dir'])).logs;
  if (!existsSync(logFileIn(logs)) && !values.follow) {
    io.err(`No log yet at ${logFileIn(logs)}: Atelier writes it once it has opened this library.`);
    return 1;
  }
  for (const e of tailLog(logs, lines, filter)) io.out(e);
  if (!values.follow) return 0;
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await followLog(logs, filter, (got) => got.forEach((e) => io.out(e)), ac.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
