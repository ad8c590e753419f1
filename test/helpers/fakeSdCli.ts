import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

/** The sd-cli stand-in that replays the recordings (test/fakes/sd-cli.mjs). */
export const fakeSdCli = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fakes/sd-cli.mjs',
);

/**
 * For the suite: the fake replays without its recorded pauses (FAKE_SDCLI_SPEED=0) unless a
 * test sets it, and with `asPath` it is also ATELIER_SDCPP_BIN, the way a user's shell finds it.
 * Both are put back afterwards.
 */
export function useFakeSdCli(opts: { asPath?: boolean } = {}): void {
  const keys = ['FAKE_SDCLI_SPEED', ...(opts.asPath ? ['ATELIER_SDCPP_BIN'] : [])];
  const before = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  beforeAll(() => {
    process.env.FAKE_SDCLI_SPEED = '0';
    if (opts.asPath) process.env.ATELIER_SDCPP_BIN = fakeSdCli;
  });
  afterAll(() => {
    for (const k of keys)
      if (before[k] === undefined) delete process.env[k];
      else process.env[k] = before[k];
  });
}
