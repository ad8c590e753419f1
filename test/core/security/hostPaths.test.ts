import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore, type TestCore } from '../../helpers/core';
import { writePng } from '../ingest/fixtures';

// Security audit, Medium 12: a served client had host-level powers: engines.update ran a
// script path sent over HTTP, ingest.importFiles read any host path, packs.export wrote
// anywhere. In served mode, places on the host are the owner's or an admin's, inside roots.
let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const served = (role: 'owner' | 'admin' | 'member' = 'owner') => ({
  host: 'serve' as const,
  caller: { userId: t!.core.localOwner.userId, role, name: role },
});

describe('what a served client may name on the host', () => {
  it('refuses paths outside the data dir, watched folders and --allow-root folders', async () => {
    t = await openTestCore({ host: 'serve' });
    // The test core allows its temp folder, as `atelier serve --allow-root` would.
    t.core.allowedRoots.splice(0);
    const outside = path.join(t.root, 'elsewhere');
    mkdirSync(outside);
    await writePng(path.join(outside, 'secret.png'), { seed: 5 });
    const script = path.join(outside, 'evil.sh');
    writeFileSync(script, '#!/bin/sh\necho pwned\n', { mode: 0o755 });
    const tries = [
      ['ingest.importFiles', { paths: ['/etc/passwd'] }],
      ['ingest.importFiles', { paths: [outside] }],
      ['engines.update', { ffmpegPath: script }],
      ['watchFolders.add', { path: outside }],
    ] as const;
    for (const [method, input] of tries) {
      const r = await t.api.invoke(method, input, served());
      expect(r.ok || r.error, method).toMatchObject({
        code: 'unauthorized',
        message: expect.stringMatching(/outside the folders this server may use.*--allow-root/),
      });
    }
    const pack = await t.call('packs.create', { name: 'P' });
    const exp = await t.api.invoke(
      'packs.export',
      { packId: pack.id, options: { outDir: '/tmp/anywhere' } },
      served(),
    );
    expect(exp.ok || exp.error.code).toBe('unauthorized');
    // Allowed by the host's user: then it works.
    t.core.allowedRoots.push(outside);
    const ok = await t.api.invoke('ingest.importFiles', { paths: [outside] }, served());
    expect(ok.ok).toBe(true);
  });

  it('a member may not name places on the host at all; the desktop and CLI may name any', async () => {
    t = await openTestCore({ host: 'serve' });
    const inside = path.join(t.dataDir, 'Inbox');
    const member = await t.api.invoke('ingest.importFiles', { paths: [inside] }, served('member'));
    expect(member.ok || member.error).toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/only the studio's owner or an admin/),
    });
    const admin = await t.api.invoke('ingest.importFiles', { paths: [inside] }, served('admin'));
    expect(admin.ok).toBe(true);
    const local = await t.api.invoke(
      'ingest.importFiles',
      { paths: ['/etc/hostname'] },
      { host: 'cli', caller: t.core.localOwner },
    );
    expect(local.ok).toBe(true);
  });
});
