import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Whether an If-None-Match header names this entity tag (or is `*`). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/**
 * Streams a file with HTTP Range support, so video and audio players can seek. An ETag from the
 * file's size and modification time lets the browser revalidate a picture it already holds
 * with a 304 and no file read: scrolling back over a thousand thumbnails refetches none of them.
 * Not `immutable`: the URL names an asset, and an asset's file and thumbnail can change.
 */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  mime: string,
): Promise<void> {
  let size: number;
  let etag: string;
  let modified: string;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
    etag = `"${size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    modified = st.mtime.toUTCString();
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('The file is missing on disk');
    return;
  }
  const headers: Record<string, string | number> = {
    'Content-Type': mime,
    'Accept-Ranges': 'bytes',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, max-age=60',
    ETag: etag,
    'Last-Modified': modified,
  };
  if (matchesEtag(req.headers['if-none-match'], etag)) {
    const { 'Content-Type': _type, 'Accept-Ranges': _ranges, ...notModified } = headers;
    res.writeHead(304, notModified).end();
    return;
  }
  // A range is only valid against the version the client has (If-Range): otherwise the whole file.
  const ifRange = req.headers['if-range'];
  const rangeHeader = ifRange === undefined || ifRange === etag ? req.headers.range : undefined;
  const range = rangeHeader ? /^bytes=(\d*)-(\d*)$/.exec(rangeHeader) : null;
  if (range && size > 0) {
    let start = range[1] ? Number(range[1]) : NaN;
    let end = range[2] ? Number(range[2]) : NaN;
    if (Number.isNaN(start)) {
      start = Math.max(0, size - end);
      end = size - 1;
    } else if (Number.isNaN(end) || end >= size) {
      end = size - 1;
    }
    if (start > end || start >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    res.writeHead(206, {
      ...headers,
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Content-Length': end - start + 1,
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': size });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}
