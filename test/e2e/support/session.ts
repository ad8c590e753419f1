import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser';
import { callServe, startServe, type ServeProcess } from './serve';

export interface E2eSession {
  readonly serve: ServeProcess;
  readonly browser: Browser;
  /** An api call to this serve, as scripts make it; throws with the api's message on failure. */
  api<T>(method: string, input: unknown): Promise<T>;
}

/**
 * For an e2e file: one `atelier serve` on a fresh data dir and one Chromium, started before the
 * file's own beforeAll hooks (which may seed through `api`) and stopped after its tests.
 */
export function serveWithBrowser(): E2eSession {
  let serve: ServeProcess | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    serve = await startServe();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });
  return {
    get serve() {
      return serve!;
    },
    get browser() {
      return browser!;
    },
    api: <T>(method: string, input: unknown) => callServe<T>(serve!, method, input),
  };
}
