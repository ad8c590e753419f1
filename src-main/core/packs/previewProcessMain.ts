/**
 * Entry of the short-lived process that draws one export's previews (started by
 * previewProcess.ts). It receives a PreviewJob over IPC, writes the files into the job's folder,
 * answers with their names and sizes, and exits: the native memory libvips and glibc keep after
 * decoding a thousand tiles is handed back to the OS with the process.
 */
import sharp from 'sharp';
import { writePreviews, type PreviewJob } from './previews';
import type { PreviewReply } from './previewProcess';

// Every file is decoded once, so libvips' operation cache would only hold memory. One libvips
// thread per operation (sharp's default on glibc, not elsewhere) leaves a core to the ZIP writer.
sharp.cache(false);
sharp.concurrency(1);

const cancel = new AbortController();
const stop = (code: number) => {
  // Aborting kills an ffmpeg still drawing a poster frame before this process goes.
  cancel.abort(new Error('Cancelled'));
  process.exit(code);
};
process.once('SIGTERM', () => stop(143));
// The export that started us is gone (crash, kill): nobody will read the files.
process.once('disconnect', () => stop(1));

function reply(message: PreviewReply): void {
  process.send!(message, undefined, {}, () => process.exit(message.type === 'done' ? 0 : 1));
}

process.once('message', (job: PreviewJob) => {
  writePreviews(job, cancel.signal).then(
    (set) => reply({ type: 'done', set }),
    (err: unknown) =>
      reply({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
