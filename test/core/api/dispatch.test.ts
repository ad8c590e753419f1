import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestCore, type TestCore } from '../../helpers/core';

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
});
afterEach(async () => {
  await t.close();
});

describe('api dispatch through the real core', () => {
  it('reports the live status', async () => {
    const status = await t.call('system.status', {});
    expect(status).toMatchObject({ app: 'Atelier', host: 'cli', assetCount: 0, watchFolders: [] });
    expect(status.schemaVersion).toBe(status.latestSchemaVersion);
    expect(status.dataDir).toBe(t.dataDir);
  });

  it('answers an unknown method and bad input with error data, never a throw', async () => {
    expect(await t.api.invoke('nope.nothing', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    });
    const bad = await t.api.invoke('settings.update', { theme: 'purple' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!bad.ok) expect(bad.error.message).toMatch(/theme/);
    expect(await t.api.invoke('system.status', { extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('saves settings, emits settings.changed, and survives a bad stored value', async () => {
    const seen: unknown[] = [];
    t.core.events.on('settings.changed', (s) => seen.push(s));
    const s = await t.call('settings.update', { ownerName: '  Ada Studio ', theme: 'dark' });
    expect(s).toEqual({
      theme: 'dark',
      ownerName: 'Ada Studio',
      supportContact: '',
      workspaceExpiryDays: 7,
    });
    expect(seen).toEqual([s]);
    t.core.sqlite.prepare(`UPDATE settings SET value = '{broken' WHERE key = 'theme'`).run();
    expect((await t.call('settings.get', {})).theme).toBe('system');
  });

  it('creates the local owner on first run', async () => {
    const users = await t.core.db.selectFrom('users').selectAll().execute();
    expect(users).toHaveLength(1);
    expect(users[0]!.role).toBe('owner');
  });
});
