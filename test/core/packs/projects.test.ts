import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestCore, type TestCore } from '../../helpers/core';

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
});
afterEach(() => t.close());

describe('packs in projects', () => {
  it('are made in a project, listed by project, and counted by it until trashed', async () => {
    const autumn = await t.call('projects.create', { name: 'Autumn' });
    const spring = await t.call('projects.create', { name: 'Spring' });
    const changed: string[] = [];
    t.core.events.on('projects.changed', ({ id }) => changed.push(id));

    const a = await t.call('packs.create', { name: 'Leaves', projectId: autumn.id });
    const b = await t.call('packs.create', { name: 'Pumpkins', projectId: autumn.id });
    const loose = await t.call('packs.create', { name: 'Loose' });
    expect(a.projectId).toBe(autumn.id);
    expect(loose.projectId).toBeNull();
    expect(changed).toEqual([autumn.id, autumn.id]);
    expect((await t.call('projects.get', { id: autumn.id })).counts.packs).toBe(2);

    const ids = async (projectId?: string) =>
      (await t.call('packs.list', projectId ? { projectId } : {})).map((p) => p.name).sort();
    expect(await ids(autumn.id)).toEqual(['Leaves', 'Pumpkins']);
    expect(await ids(spring.id)).toEqual([]);
    expect(await ids()).toEqual(['Leaves', 'Loose', 'Pumpkins']);
    expect((await t.call('packs.get', { id: b.id })).projectId).toBe(autumn.id);

    // Moved by projects.assign: the filter and both counts follow.
    await t.call('projects.assign', { id: spring.id, packIds: [b.id, loose.id] });
    expect(await ids(autumn.id)).toEqual(['Leaves']);
    expect(await ids(spring.id)).toEqual(['Loose', 'Pumpkins']);
    expect((await t.call('projects.get', { id: spring.id })).counts.packs).toBe(2);

    // A trashed pack is never restored: it leaves its project and its count.
    changed.length = 0;
    await t.call('packs.delete', { id: a.id });
    expect(await ids(autumn.id)).toEqual([]);
    expect((await t.call('projects.get', { id: autumn.id })).counts.packs).toBe(0);
    expect(changed).toEqual([autumn.id]);
  });

  it('refuses a project that does not exist or is in the trash', async () => {
    const missing = await t.api.invoke('packs.create', { name: 'X', projectId: 'nope' });
    expect(!missing.ok && missing.error).toMatchObject({
      code: 'not_found',
      message: 'No project nope',
    });
    const p = await t.call('projects.create', { name: 'Old' });
    await t.call('projects.delete', { id: p.id });
    const trashed = await t.api.invoke('packs.create', { name: 'X', projectId: p.id });
    expect(!trashed.ok && trashed.error).toMatchObject({
      code: 'conflict',
      message: '“Old” is in the trash: restore it first',
    });
    expect(await t.call('packs.list', {})).toEqual([]);
  });
});
