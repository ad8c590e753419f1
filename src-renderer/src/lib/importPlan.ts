/**
 * Which dropped or picked files can be ingested where they are (the desktop app knows their
 * paths) and which must be uploaded into the Inbox (serve mode, or a file with no path such as
 * an image dragged out of a browser). Ingesting in place keeps the creator's folder layout and
 * does not double the disk space a big video takes.
 */
export function planImport<F>(
  files: F[],
  pathOf: ((file: F) => string) | undefined,
): { paths: string[]; uploads: F[] } {
  const paths: string[] = [];
  const uploads: F[] = [];
  for (const f of files) {
    let p = '';
    try {
      p = pathOf?.(f) ?? '';
    } catch {
      p = ''; // not a real file on disk
    }
    if (p) paths.push(p);
    else uploads.push(f);
  }
  return { paths, uploads };
}
