import path from 'node:path';
import { kindByExtension } from './fileType';

const ignoredNames = new Set(['thumbs.db', 'desktop.ini', '.ds_store', 'icon\r']);
// Partial downloads and copies in progress: the finished file arrives under its real name.
const partialSuffixes = [
  '.part',
  '.crdownload',
  '.tmp',
  '.download',
  '.partial',
  '.!qb',
  '.opdownload',
];

/** Files a watched folder holds that are never the creator's media: skipped without a failure. */
export function isIgnoredName(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith('.') || lower.startsWith('~$')) return true;
  if (ignoredNames.has(lower)) return true;
  return partialSuffixes.some((s) => lower.endsWith(s));
}

/** A file the watcher should consider at all: not ignored and of a media type we ingest. */
export function isCandidateFile(file: string): boolean {
  const name = path.basename(file);
  return !isIgnoredName(name) && kindByExtension(name) !== null;
}
