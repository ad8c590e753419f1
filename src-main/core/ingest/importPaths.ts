import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { IngestOutcome, IngestSummary } from '../../contract/library';
import type { Atelier } from '../app/atelier';
import { kindByExtension } from './fileType';
import { isIgnoredName } from './ignore';
import { IngestError, toIngestError } from '../util/ingestError';
import { ingestPipeline } from './pipeline';
import { summarize } from './summary';
import { walkFolder } from './walk';

/**
 * Manual import (file dialog, drag-and-drop, `atelier ingest`): files are ingested where they
 * are; folders are walked recursively. A path named explicitly that cannot be ingested is a
 * failure with its reason; inside folders, non-media files are skipped quietly.
 */
export async function importPaths(core: Atelier, paths: string[]): Promise<IngestSummary> {
  const pipeline = ingestPipeline(core);
  const tasks: Promise<IngestOutcome>[] = [];
  for (const raw of paths) {
    const file = path.resolve(raw);
    let isDir = false;
    try {
      isDir = (await stat(file)).isDirectory();
    } catch (err) {
      tasks.push(Promise.resolve(pipeline.recordFailure(file, toIngestError(err))));
      continue;
    }
    if (isDir) {
      const walked = await walkFolder(file, true);
      for (const f of walked.failures)
        tasks.push(Promise.resolve(pipeline.recordFailure(f.path, f.error)));
      for (const f of walked.files) tasks.push(pipeline.ingest(f.path, { explicit: true }));
      continue;
    }
    const name = path.basename(file);
    if (isIgnoredName(name)) {
      tasks.push(
        Promise.resolve({
          path: file,
          outcome: 'skipped',
          assetId: null,
          reason: 'Hidden, system or partial-download file',
        }),
      );
    } else if (!kindByExtension(name)) {
      tasks.push(
        Promise.resolve(
          pipeline.recordFailure(
            file,
            new IngestError(
              'unsupported',
              `Unsupported file type "${path.extname(name) || '(no extension)'}"`,
            ),
          ),
        ),
      );
    } else {
      tasks.push(pipeline.ingest(file, { explicit: true }));
    }
  }
  return summarize(await Promise.all(tasks));
}
