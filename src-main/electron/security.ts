import { app, session, shell, type WebContents } from 'electron';
import { contentSecurityPolicy } from '../server/csp';
import { isAppUrl } from './appOrigin';

export { isAppUrl } from './appOrigin';

/**
 * Navigation, new windows, webviews and permission requests are refused. External https links
 * open in the user's browser instead of inside the app.
 */
export function hardenContents(contents: WebContents, devServerUrl: string | undefined): void {
  // Anything but the app's own origin (a dropped .html, a file:// link) is refused.
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, devServerUrl)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url, devServerUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, devServerUrl)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function hardenSessions(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [contentSecurityPolicy('electron')],
      },
    });
  });
}
