import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import type { Atelier } from '../core/app/atelier';
import { resolveMedia } from '../core/api/host';
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
      const { file, mime } = await resolveMedia(core, decodeURIComponent(assetId), variant);
      const { size } = await stat(file);
      const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get('range') ?? '');
      if (range && size > 0) {
        const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
        const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
        const body = Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream;
        return new Response(body, {
          status: 206,
          headers: {
            'Content-Type': mime,
            'Content-Range': `bytes ${start}-${end}/${size}`,
            'Content-Length': String(end - start + 1),
          },
        });
      }
      const body = Readable.toWeb(createReadStream(file)) as ReadableStream;
      return new Response(body, {
        headers: { 'Content-Type': mime, 'Content-Length': String(size), 'Accept-Ranges': 'bytes' },
      });
    } catch (err) {
      return new Response((err as Error).message, { status: 404 });
    }
  });
}
