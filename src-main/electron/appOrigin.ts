import path from 'node:path';
import { isInside } from '../core/util/pathInside';

/**
 * Where the desktop renderer lives, as pure functions (tested in plain Node, no Electron):
 * packaged, only `atelier-app://app/`, a privileged scheme of our own that serves the built
 * renderer and nothing else; in development, the dev server's exact origin. Nothing under
 * file:// is ever the app: an .html file dropped on the window or opened by a link must not
 * load with the api bridge.
 */
export const appScheme = 'atelier-app';
export const appOrigin = `${appScheme}://app`;
export const appEntry = `${appOrigin}/index.html`;

/** The dev server URL, honoured only in an unpackaged build. */
export function devServerFor(
  isPackaged: boolean,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (isPackaged) return undefined;
  const url = env.ELECTRON_RENDERER_URL;
  if (!url) return undefined;
  try {
    const u = new URL(url);
    // A dev server is on this machine, over http.
    if (u.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(u.hostname))
      return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

/** Whether `url` is the app: the exact origin, never another scheme, host or port. */
export function isAppUrl(url: string, devServerUrl: string | undefined): boolean {
  try {
    // Scheme and host:port, spelt out: Node's URL gives custom schemes an opaque origin.
    const u = new URL(url);
    const origin = `${u.protocol}//${u.host}`;
    if (devServerUrl) return origin === devServerUrl.replace(/\/+$/, '');
    return origin === appOrigin;
  } catch {
    return false;
  }
}

/**
 * The file of the built renderer an atelier-app:// URL names, or null: other hosts, paths
 * outside the renderer folder (`..`, encoded or not) and bad escapes are refused. Client-side
 * routes (no file) get index.html.
 */
export function appFileFor(rendererDir: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${appScheme}:` || u.host !== 'app') return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const file = path.join(rendererDir, rel === '/' ? 'index.html' : rel);
  return isInside(rendererDir, file) ? file : null;
}
