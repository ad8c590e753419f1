import { create } from 'zustand';
import type { IngestFailure, IngestProgress } from '@contract/index';
import { api } from '../api/client';
import { planImport } from '../lib/importPlan';
import { useToasts } from './toasts';
import { toastError } from './toasts';

const CHUNK = 4 * 1024 * 1024;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

interface ImportTally {
  added: number;
  duplicates: number;
  failed: string[];
}

/** Uploads files into the Inbox in chunks: serve mode cannot see the browser's paths. */
async function uploadFiles(
  files: File[],
  tally: ImportTally,
  onProgress?: (done: number) => void,
): Promise<void> {
  for (const [n, file] of files.entries()) {
    onProgress?.(n);
    try {
      let uploadId: string | undefined;
      let offset = 0;
      for (;;) {
        const end = Math.min(file.size, offset + CHUNK);
        const bytes = new Uint8Array(await file.slice(offset, end).arrayBuffer());
        const final = end >= file.size;
        const r = await api.call('ingest.upload', {
          name: file.name,
          chunkBase64: toBase64(bytes),
          final,
          ...(uploadId ? { uploadId } : {}),
        });
        uploadId = r.uploadId;
        offset = end;
        if (final) {
          if (r.result?.outcome === 'added') tally.added++;
          else if (r.result?.outcome === 'duplicate') tally.duplicates++;
          else if (r.result?.outcome === 'failed')
            tally.failed.push(`${file.name}: ${r.result.reason ?? 'failed'}`);
          break;
        }
      }
    } catch (err) {
      tally.failed.push(`${file.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/**
 * Imports dropped or picked files. The desktop app ingests them where they are (their paths come
 * from the preload); anything without a path is uploaded into the Inbox.
 */
export async function importFiles(
  files: File[],
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const tally: ImportTally = { added: 0, duplicates: 0, failed: [] };
  const bridge = window.atelier;
  const { paths, uploads } = planImport(
    files,
    bridge?.pathForFile ? (f: File) => bridge.pathForFile!(f) : undefined,
  );
  onProgress?.(0, files.length);
  if (paths.length) {
    try {
      const r = await api.call('ingest.importFiles', { paths });
      tally.added += r.added;
      tally.duplicates += r.duplicates;
      for (const f of r.failed) tally.failed.push(`${f.path.split(/[\\/]/).pop()}: ${f.reason}`);
    } catch (err) {
      tally.failed.push(err instanceof Error ? err.message : String(err));
    }
  }
  await uploadFiles(uploads, tally, (n) => onProgress?.(paths.length + n, files.length));
  onProgress?.(files.length, files.length);
  const parts = [
    `${tally.added} added`,
    tally.duplicates ? `${tally.duplicates} already in the library` : '',
  ]
    .filter(Boolean)
    .join(', ');
  if (tally.failed.length)
    toastError(
      `${tally.failed.length} of ${files.length} files could not be added`,
      new Error(tally.failed.slice(0, 3).join('\n')),
    );
  else
    useToasts.getState().push({
      kind: 'success',
      title: `Imported ${files.length} ${files.length === 1 ? 'file' : 'files'}`,
      detail: parts,
    });
}

interface IngestState {
  progress: IngestProgress | null;
  failures: IngestFailure[];
  loadFailures(): Promise<void>;
  retry(ids?: string[]): Promise<void>;
  dismiss(ids?: string[]): Promise<void>;
}

/** Ingest progress and failures; the Library view itself follows asset events on its own. */
export const useIngest = create<IngestState>((set, get) => ({
  progress: null,
  failures: [],
  async loadFailures() {
    try {
      set({ failures: await api.call('ingest.failures', { limit: 200 }) });
    } catch (err) {
      toastError('Could not load ingest failures', err);
    }
  },
  async retry(ids) {
    try {
      await api.call('ingest.retry', ids ? { ids } : {});
      await get().loadFailures();
    } catch (err) {
      toastError('Retry failed', err);
    }
  },
  async dismiss(ids) {
    try {
      await api.call('ingest.dismissFailures', ids ? { ids } : {});
      await get().loadFailures();
    } catch (err) {
      toastError('Could not dismiss', err);
    }
  },
}));

api.on('ingest.progress', (progress) => useIngest.setState({ progress }));
api.on('ingest.failed', (f) => {
  const rest = useIngest.getState().failures.filter((x) => x.path !== f.path);
  useIngest.setState({ failures: [f, ...rest].slice(0, 200) });
});
