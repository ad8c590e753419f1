import { readFileSync, symlinkSync, unlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src-main/server/server';
import { exportPack } from '../../src-main/core/packs/exportPack';
import { openTestCore, type TestCore } from '../helpers/core';
import { insertAsset, makeJpeg, setOwner } from '../core/packs/helpers';

let t: TestCore;
let server: RunningServer;

beforeEach(async () => {
  t = await openTestCore({ host: 'serve' });
  const rendererDir = path.join(t.root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Atelier test</title>');
  server = await startServer({ core: t.core, rendererDir, port: 0 });
});
afterEach(async () => {
  await server.close();
  await t.close();
});

async function signedIn(): Promise<Record<string, string>> {
  const first = await fetch(server.openUrl, { redirect: 'manual' });
  return { Cookie: (first.headers.get('set-cookie') ?? '').split(';')[0]! };
}

async function exported(name = 'Château Pack') {
  await setOwner(t.call);
  const media = path.join(t.root, 'media');
  mkdirSync(media, { recursive: true });
  const f = path.join(media, `${name.length}.jpg`);
  await makeJpeg(f, 3, 64);
  const id = insertAsset(t.core, f, 'image', { width: 64, height: 64 });
  const pack = await t.call('packs.create', { name });
  await t.call('packs.addAssets', { packId: pack.id, assetIds: [id] });
  const rec = await exportPack(t.core, pack.id, { outDir: path.join(t.root, 'exports') });
  return { pack, rec };
}

describe('export downloads in serve mode', () => {
  it('streams a completed export’s ZIP to a signed-in browser as an attachment', async () => {
    const { rec } = await exported();
    const url = `${server.url}exports/${rec.id}/0`;
    expect((await fetch(url)).status).toBe(401);
    const jar = await signedIn();
    const res = await fetch(url, { headers: jar });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const disposition = res.headers.get('content-disposition')!;
    const name = path.basename(rec.files[0]!.path);
    expect(disposition).toBe(
      `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(readFileSync(rec.files[0]!.path))).toBe(true);
    // Resumable: a range request gets the tail.
    const part = await fetch(url, { headers: { ...jar, Range: 'bytes=10-' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(10))).toBe(true);
  });

  it('serves only files an export lists, of packs not in the trash, unchanged on disk', async () => {
    const { pack, rec } = await exported('Linked');
    const jar = await signedIn();
    const get = (p: string) => fetch(`${server.url}${p}`, { headers: jar });
    expect((await get(`exports/${rec.id}/1`)).status).toBe(404);
    expect((await get(`exports/nope/0`)).status).toBe(404);
    expect((await get(`exports/${rec.id}/x`)).status).toBe(400);
    expect((await get(`exports/${rec.id}/..%2F..%2Fetc%2Fpasswd`)).status).toBe(400);
    // A ZIP swapped for a link to another file is not followed.
    const zip = rec.files[0]!.path;
    const copy = readFileSync(zip);
    unlinkSync(zip);
    symlinkSync('/etc/hostname', zip);
    expect((await get(`exports/${rec.id}/0`)).status).toBe(404);
    unlinkSync(zip);
    writeFileSync(zip, copy);
    expect((await get(`exports/${rec.id}/0`)).status).toBe(200);
    writeFileSync(zip, Buffer.concat([copy, Buffer.from('x')]));
    expect((await get(`exports/${rec.id}/0`)).status).toBe(409);
    writeFileSync(zip, copy);
    await t.call('packs.delete', { id: pack.id });
    expect((await get(`exports/${rec.id}/0`)).status).toBe(404);
  });
});
