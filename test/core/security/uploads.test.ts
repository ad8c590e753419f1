import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { safeFileName, truncateUtf8 } from '../../../src-main/core/util/safeName';
import { openTestCore, type TestCore } from '../../helpers/core';
import { pngBuffer } from '../ingest/fixtures';

// Security audit: Medium 5 (concurrent uploads clobbered), Medium 11 (an upload filled the disk
// and its part kept every write failing), Medium 12 (rejected bytes stayed in the Inbox), Low 14
// (a 100-character CJK name failed with ENAMETOOLONG; CON.png was accepted).
let t: TestCore | undefined;
let mounted: string | null = null;
afterEach(async () => {
  if (mounted) spawnSync('umount', [mounted]);
  mounted = null;
  delete process.env.ATELIER_UPLOAD_RESERVE_MB;
  await t?.close();
  t = undefined;
});

const inbox = () => path.join(t!.dataDir, 'Inbox');

async function upload(name: string, bytes: Buffer, chunk = bytes.length) {
  let uploadId: string | undefined;
  for (let at = 0; at < bytes.length || at === 0; at += chunk) {
    const part = bytes.subarray(at, at + chunk);
    const r = await t!.api.invoke('ingest.upload', {
      uploadId,
      name,
      chunkBase64: part.toString('base64'),
      final: at + chunk >= bytes.length,
    });
    if (!r.ok) return r;
    uploadId = (r.value as { uploadId: string }).uploadId;
    if (at + chunk >= bytes.length) return r;
  }
  throw new Error('unreachable');
}

describe('uploads', () => {
  it('twenty uploads of one name at once make twenty files, none overwritten', async () => {
    t = await openTestCore({ host: 'serve' });
    const pngs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => pngBuffer(16, 16, { seed: 100 + i })),
    );
    const results = await Promise.all(pngs.map((p) => upload('race.png', p)));
    for (const r of results) expect(r.ok).toBe(true);
    const files = readdirSync(inbox()).filter((f) => f.startsWith('race'));
    expect(files).toHaveLength(20);
    const outcomes = results.map(
      (r) => (r as { value: { result: { outcome: string } } }).value.result.outcome,
    );
    expect(outcomes.filter((o) => o === 'added')).toHaveLength(20);
  });

  it('names are limited in bytes and never a Windows device', async () => {
    const cjk = '漢'.repeat(100) + '.png';
    const safe = safeFileName(cjk, 'upload');
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(200);
    expect(safe.endsWith('.png')).toBe(true);
    expect(safeFileName('CON.png', 'upload')).toBe('_CON.png');
    expect(safeFileName('nul.tar.gz', 'upload')).toBe('_nul.tar.gz');
    expect(safeFileName('com1 .jpg', 'upload')).toBe('_com1 .jpg');
    expect(safeFileName('../../etc/passwd.png', 'upload')).toBe('passwd.png');
    expect(safeFileName('name. . ', 'upload')).toBe('name');
    expect(truncateUtf8('ab漢', 4)).toBe('ab');
    t = await openTestCore({ host: 'serve' });
    const r = await upload(cjk, await pngBuffer(16, 16));
    expect(r.ok).toBe(true);
    const dev = await upload('CON.png', await pngBuffer(16, 16, { seed: 9 }));
    expect(dev.ok).toBe(true);
    expect(readdirSync(inbox())).toContain('_CON.png');
  });

  it('bytes that are not what they claim are refused and do not stay in the Inbox', async () => {
    t = await openTestCore({ host: 'serve' });
    const r = await upload('fake.png', Buffer.from('<?php system($_GET["c"]); ?>'));
    expect(r.ok).toBe(true);
    expect(
      (r as { value: { result: { outcome: string; reason?: string } } }).value.result,
    ).toMatchObject({
      outcome: 'failed',
    });
    expect(readdirSync(inbox())).toEqual([]);
    expect(await t.call('ingest.failures', { limit: 10 })).toEqual([]);
  });

  it('a disk without room: refused up front, and a part that fills it is removed at once', async (ctx) => {
    t = await openTestCore({ host: 'serve' });
    const uploads = path.join(t.dataDir, 'tmp', 'uploads');
    mkdirSync(uploads, { recursive: true });
    if (
      process.getuid?.() !== 0 ||
      spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', uploads]).status !== 0
    ) {
      ctx.skip();
      return;
    }
    mounted = uploads;
    // The reserve: nothing is accepted that would leave less than it.
    const refused = await upload('big.png', Buffer.alloc(64 * 1024, 1));
    expect(refused.ok || refused.error).toMatchObject({
      code: 'disk_full',
      message: expect.stringMatching(/disk is full/),
    });
    expect(readdirSync(uploads)).toEqual([]);
    // Without a reserve, the write itself fills the disk: the part goes, the error is clear.
    process.env.ATELIER_UPLOAD_RESERVE_MB = '0';
    const filled = await upload('big.png', Buffer.alloc(3 * 1024 * 1024, 1), 512 * 1024);
    expect(filled.ok || filled.error).toMatchObject({ code: 'disk_full' });
    expect(readdirSync(uploads)).toEqual([]);
    // The library still writes.
    expect((await t.api.invoke('settings.update', { ownerName: 'Ada' })).ok).toBe(true);
  });
});

describe('queued jobs', () => {
  it('one user may have at most 20,000 jobs waiting, with a clear error past it', async () => {
    const { MAX_QUEUED_PER_USER, enqueueBatch } =
      await import('../../../src-main/core/jobs/enqueue');
    await import('../jobs/testKinds');
    t = await openTestCore();
    const owner = t.core.localOwner.userId!;
    await t.call('jobs.pause', {});
    const items = Array.from({ length: 10_000 }, () => ({ params: { ms: 0 } }));
    await enqueueBatch(t.core, 'test_sleep', 'first', items, { createdBy: owner });
    await enqueueBatch(t.core, 'test_sleep', 'second', items, { createdBy: owner });
    const err = await enqueueBatch(t.core, 'test_sleep', 'one too many', [{ params: {} }], {
      createdBy: owner,
    }).catch((e) => e);
    expect(err.code).toBe('rate_limited');
    expect(err.message).toMatch(/You have 20,000 jobs waiting; at most 20,000/);
    expect(MAX_QUEUED_PER_USER).toBe(20_000);
    // Someone else is not held back by it.
    await enqueueBatch(t.core, 'test_sleep', 'other', [{ params: {} }], { createdBy: null });
  }, 60_000);
});
