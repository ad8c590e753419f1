import type { JobSummary } from '../../contract/jobs';
import type { Atelier } from '../../core/app/atelier';
import { JobRunner, jobSummary } from '../../core/api/host';
import type { CliIO } from '../output';
import { formatEta, progressBar } from './progressText';

/**
 * Runs the given jobs (and their children) in this process and shows one progress line. A TTY
 * gets a bar redrawn in place; a pipe gets a line per 10% so logs stay readable.
 */
export async function runAndWait(
  core: Atelier,
  rootId: string,
  io: CliIO,
  quiet: boolean,
): Promise<JobSummary> {
  const runner = await new JobRunner(core, { only: [rootId], ignorePause: true }).start();
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  const draw = (f: number, msg: string | null, eta: number | null) => {
    if (quiet) return;
    const line = `${progressBar(f)} ${msg ?? ''} ${formatEta(eta)}`.trimEnd();
    if (tty) process.stderr.write(`\r${line.padEnd(90).slice(0, Math.max(90, line.length))}`);
    else if (Math.floor(f * 10) > lastDecile) {
      lastDecile = Math.floor(f * 10);
      io.err(line);
    }
  };
  const off = core.events.on('jobs.progress', (p) => {
    if (p.id === rootId) draw(p.progress, p.message, p.etaSec);
  });
  const interrupt = () => void runner.dispose();
  process.once('SIGINT', interrupt);
  try {
    await runner.whenIdle();
  } finally {
    off();
    process.off('SIGINT', interrupt);
    await runner.dispose();
    if (tty && !quiet) process.stderr.write('\n');
  }
  return jobSummary(core.sqlite, rootId)!;
}
