/**
 * One CSP for both hosts. The renderer loads only its own scripts; media come from the media
 * protocol (Electron) or /media (serve); connections only back to the host that served it.
 */
export function contentSecurityPolicy(host: 'electron' | 'serve'): string {
  const media = host === 'electron' ? `'self' atelier-media: blob: data:` : `'self' blob: data:`;
  // 'self' covers the page's own ws:// and wss:// (CSP 3): the event stream, and nothing else.
  const connect = `'self'`;
  return [
    `default-src 'self'`,
    `script-src 'self'`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src ${media}`,
    `media-src ${media}`,
    `connect-src ${connect}`,
    `font-src 'self' data:`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `frame-ancestors 'none'`,
    `form-action 'none'`,
  ].join('; ');
}
