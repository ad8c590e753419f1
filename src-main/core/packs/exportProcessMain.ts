/**
 * Entry of the short-lived process that writes one export (started by exportProcess.ts). It
 * receives an ExportWork over IPC, reports progress, answers with the files it wrote under their
 * temp names, and exits: everything it held goes back to the OS with it.
 */
import sharp from 'sharp';
import type { ExportReply } from './exportProcess';
import { writeExport, type ExportWork } from './writeExport';

// Every file is decoded once, so libvips' operation cache would only hold memory. One libvips
// thread per operation (sharp's default on glibc, not elsewhere) leaves a core to the ZIP writer.
sharp.cache(false);
sharp.concurrency(1);

const cancel = new AbortController();
const stop = (code: number) => {
  // Aborting kills an ffmpeg still decoding tiles or drawing a poster frame before this process goes.
  cancel.abort(new Error('Cancelled'));
  process.exit(code);
};
process.once('SIGTERM', () => stop(143));
// The app that started us is gone (crash, kill): nobody will rename or record the files.
process.once('disconnect', () => stop(1));

function reply(message: ExportReply, exit?: number): void {
  process.send!(message, undefined, {}, () => {
    if (exit !== undefined) process.exit(exit);
  });
}

process.once('message', (work: ExportWork) => {
  writeExport(work, {
    signal: cancel.signal,
    onProgress: (fraction, message) => reply({ type: 'progress', fraction, message }),
  }).then(
    (result) => reply({ type: 'done', result }, 0),
    (err: unknown) => {
      const e = err as NodeJS.ErrnoException;
      reply(
        {
          type: 'error',
          message: e instanceof Error ? e.message : String(err),
          code: e?.code,
          path: e?.path,
        },
        1,
      );
    },
  );
});
