import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OpenedMedia } from '../core/api/host';

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
  media: OpenedMedia,
  /** Added to every answer (an export's Content-Disposition). */
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const { handle, stats: st, mime } = media;
  const size = st.size;
  const etag = `"${size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  const modified = st.mtime.toUTCString();
  // Read from the handle openMedia checked: the path could be swapped after the check.
  const stream = (start?: number, end?: number) =>
    createReadStream('', { fd: handle, start, end, autoClose: true });
  let streaming = false;
  try {
    await respond();
  } finally {
    if (!streaming) await handle.close();
  }
  async function respond(): Promise<void> {
    const headers: Record<string, string | number> = {
      'Content-Type': mime,
      'Accept-Ranges': 'bytes',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=60',
      ETag: etag,
      'Last-Modified': modified,
      ...extraHeaders,
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
      streaming = true;
      stream(start, end).pipe(res);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': size });
    if (req.method === 'HEAD') return void res.end();
    streaming = true;
    stream().pipe(res);
  }
}
