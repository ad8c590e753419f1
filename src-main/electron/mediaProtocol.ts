import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import type { Atelier } from '../core/app/atelier';
import { openMedia } from '../core/api/host';
import { appSchemePrivileges } from './appProtocol';

export const mediaScheme = 'atelier-media';

/** Must run before app 'ready': the scheme is privileged so <video> can stream and seek. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: mediaScheme,
      privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true },
    },
    appSchemePrivileges(),
  ]);
}

/** atelier-media://asset/<id>/<variant>: media by asset id only, never by a renderer-given path. */
export function handleMediaProtocol(core: Atelier): void {
  protocol.handle(mediaScheme, async (request) => {
    const url = new URL(request.url);
    const [assetId = '', variant = 'file'] = url.pathname.split('/').filter(Boolean);
    if (url.hostname !== 'asset') return new Response('Not found', { status: 404 });
    try {
      const { handle, stats, mime } = await openMedia(core, decodeURIComponent(assetId), variant);
      const size = stats.size;
      // Streams read from the handle that was checked, never the path again.
      const read = (start?: number, end?: number) =>
        Readable.toWeb(createReadStream('', { fd: handle, start, end })) as ReadableStream;
      const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get('range') ?? '');
      if (range && size > 0) {
        const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
        const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
        return new Response(read(start, end), {
          status: 206,
          headers: {
            'Content-Type': mime,
            'Content-Range': `bytes ${start}-${end}/${size}`,
            'Content-Length': String(end - start + 1),
          },
        });
      }
      return new Response(read(), {
        headers: { 'Content-Type': mime, 'Content-Length': String(size), 'Accept-Ranges': 'bytes' },
      });
    } catch (err) {
      return new Response((err as Error).message, { status: 404 });
    }
  });
}
