import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignedBuffers, PAGE } from '../../../src-main/core/zip/alignedMemory';
import { fileSink } from '../../../src-main/core/zip/fileSink';
import { tempDirsPerTest } from '../../helpers/tempDir';

const dir = tempDirsPerTest('atelier-sink-');

/** Whether this folder's file system takes O_DIRECT at all (tmpfs before Linux 6.6, some FUSE ones do not). */
function takesDirectIo(folder: string): boolean {
  if (constants.O_DIRECT === undefined) return false;
  const probe = path.join(folder, 'probe');
  try {
    closeSync(openSync(probe, constants.O_RDWR | constants.O_CREAT | constants.O_DIRECT));
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { force: true });
  }
}

/** The open flags of this process's descriptor for `file` (Linux: /proc/self/fdinfo). */
function openFlags(file: string): number | null {
  for (const fd of readdirSync('/proc/self/fd')) {
    let target = '';
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== file) continue;
    const m = /^flags:\s+([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    if (m) return parseInt(m[1]!, 8);
  }
  return null;
}

describe('fileSink', () => {
  it('writes around the page cache (O_DIRECT) where the file system allows it', async (ctx) => {
    const d = dir();
    if (process.platform !== 'linux' || !takesDirectIo(d)) {
      ctx.skip();
      return;
    }
    const file = path.join(d, 'out.zip');
    const sink = await fileSink(file);
    expect(openFlags(file)! & constants.O_DIRECT!).toBe(constants.O_DIRECT);
    const [buf] = alignedBuffers([2 * PAGE]);
    randomBytes(2 * PAGE).copy(buf!);
    await sink.write(buf!, 0);
    await sink.write(buf!.subarray(0, PAGE), 2 * PAGE);
    await sink.truncate(2 * PAGE + 100);
    await sink.sync();
    await sink.close();
    expect(readFileSync(file).equals(Buffer.concat([buf!, buf!.subarray(0, 100)]))).toBe(true);
  });

  it('falls back to the page cache when a direct write is refused, losing nothing', async () => {
    const d = dir();
    const file = path.join(d, 'out.zip');
    const sink = await fileSink(file);
    // Memory off the page grid: a direct write answers EINVAL, and the sink carries on buffered.
    const unaligned = Buffer.alloc(2 * PAGE + 16).subarray(16);
    randomBytes(2 * PAGE).copy(unaligned);
    const [aligned] = alignedBuffers([PAGE]);
    aligned!.fill(0x5a);
    await sink.write(aligned!, 0);
    await sink.write(unaligned, PAGE);
    await sink.sync();
    await sink.close();
    expect(readFileSync(file).equals(Buffer.concat([aligned!, unaligned]))).toBe(true);
  });

  it('refuses to write over an existing file', async () => {
    const d = dir();
    const file = path.join(d, 'taken.zip');
    writeFileSync(file, 'somebody else’s');
    await expect(fileSink(file)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(file, 'utf8')).toBe('somebody else’s');
  });
});
