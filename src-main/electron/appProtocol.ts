import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { protocol } from 'electron';
import { contentSecurityPolicy } from '../server/csp';
import { appFileFor, appScheme } from './appOrigin';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Before app 'ready': the app's scheme is standard and secure, like https for the renderer. */
export function appSchemePrivileges() {
  return {
    scheme: appScheme,
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  };
}

/** atelier-app://app/…: the built renderer's files, and nothing outside its folder. */
export function handleAppProtocol(rendererDir: string): void {
  protocol.handle(appScheme, async (request) => {
    let file = appFileFor(rendererDir, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    if (!existsSync(file) || !statSync(file).isFile()) file = path.join(rendererDir, 'index.html');
    try {
      return new Response(await readFile(file), {
        headers: {
          'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
          'Content-Security-Policy': contentSecurityPolicy('electron'),
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
