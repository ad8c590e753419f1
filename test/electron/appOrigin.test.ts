import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appEntry, appFileFor, devServerFor, isAppUrl } from '../../src-main/electron/appOrigin';

// Security audit, High 4: the desktop app trusted any file:// URL (navigation and IPC), so an
// .html dropped outside the Library page loaded with the full api.
describe('the desktop app’s own origin', () => {
  it('is atelier-app://app exactly: no file://, no other scheme, host or port', () => {
    expect(isAppUrl(appEntry, undefined)).toBe(true);
    expect(isAppUrl('atelier-app://app/#/settings', undefined)).toBe(true);
    for (const url of [
      'file:///home/ada/Downloads/evil.html',
      'file:///opt/Atelier/resources/app.asar/out/renderer/index.html',
      'atelier-app://evil/index.html',
      'atelier-media://asset/x/file',
      'https://app/index.html',
      'http://localhost:5173/',
      'not a url',
    ])
      expect(isAppUrl(url, undefined), url).toBe(false);
  });

  it('in development, only the dev server’s exact origin, and never in a packaged app', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173/' };
    const dev = devServerFor(false, env);
    expect(dev).toBe('http://localhost:5173');
    expect(isAppUrl('http://localhost:5173/#/jobs', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('file:///tmp/x.html', dev)).toBe(false);
    expect(devServerFor(true, env)).toBeUndefined();
    expect(devServerFor(false, { ELECTRON_RENDERER_URL: 'https://evil.example/' })).toBeUndefined();
    expect(devServerFor(false, { ELECTRON_RENDERER_URL: 'file:///tmp/' })).toBeUndefined();
  });

  it('serves files of the built renderer only, never outside its folder', () => {
    const root = path.resolve('/opt/Atelier/renderer');
    expect(appFileFor(root, 'atelier-app://app/')).toBe(path.join(root, 'index.html'));
    expect(appFileFor(root, 'atelier-app://app/assets/index-abc.js')).toBe(
      path.join(root, 'assets/index-abc.js'),
    );
    // Dot segments are resolved by the URL itself: they stay inside the folder.
    for (const url of [
      'atelier-app://app/../../etc/passwd',
      'atelier-app://app/%2e%2e/%2e%2e/etc/passwd',
    ])
      expect(appFileFor(root, url)!.startsWith(root + path.sep), url).toBe(true);
    for (const url of [
      'atelier-app://app/..%2F..%2Fetc%2Fpasswd',
      'atelier-app://other/index.html',
      'atelier-app://app/%E0%A4%A',
      'atelier-app://app/a%00b',
      'file:///etc/passwd',
    ])
      expect(appFileFor(root, url), url).toBeNull();
  });
});
