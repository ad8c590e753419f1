import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runProgram } from '../../../src-main/core/engines/runProgram';
import {
  appLog,
  closeAppLog,
  openAppLog,
  redact,
  redactArgs,
  withLogContext,
} from '../../../src-main/core/log/appLog';
import { tempDirsPerTest } from '../../helpers/tempDir';

const newDir = tempDirsPerTest();
afterEach(() => closeAppLog());

describe('application log', () => {
  it('writes lines with their request and job, and every engine command line, secrets redacted', async () => {
    const dir = newDir();
    openAppLog(dir, { echoErrors: false });
    await withLogContext({ requestId: 'r-17', jobId: 'j-9' }, async () => {
      appLog.info('api', 'library.query took 3 ms');
      await runProgram('sh', ['-c', 'true', '--token', 'sekrit-123'], { label: 'sh' });
    });
    appLog.warn('engine', 'GET http://bob:hunter2@studio-pc:8188/system_stats?token=abc&x=1');
    const text = readFileSync(path.join(dir, 'atelier.log'), 'utf8');
    expect(text).toMatch(/INFO {2}\[api\] req=r-17 job=j-9 library\.query took 3 ms/);
    expect(text).toMatch(/INFO {2}\[engine\] req=r-17 job=j-9 sh: sh -c true --token \*\*\*/);
    expect(text).toContain('http://bob:***@studio-pc:8188/system_stats?token=***&x=1');
    expect(text).not.toMatch(/sekrit|hunter2|abc&/);
  });

  it('rotates at 5 MB and keeps three old files', () => {
    const dir = newDir();
    writeFileSync(path.join(dir, 'atelier.log'), 'x'.repeat(5 * 1024 * 1024 - 10));
    openAppLog(dir, { echoErrors: false });
    for (let i = 0; i < 4; i++) {
      appLog.info('test', `line ${i} ${'y'.repeat(100)}`);
      if (i < 3)
        writeFileSync(path.join(dir, 'atelier.log'), 'x'.repeat(5 * 1024 * 1024), { flag: 'a' });
      closeAppLog();
      openAppLog(dir, { echoErrors: false });
    }
    expect(readdirSync(dir).sort()).toEqual([
      'atelier.log',
      'atelier.log.1',
      'atelier.log.2',
      'atelier.log.3',
    ]);
    expect(readFileSync(path.join(dir, 'atelier.log'), 'utf8')).toMatch(/line 3/);
  });

  it('redacts bearer and basic credentials and secret flags', () => {
    expect(redact('Authorization: Bearer abcdefghijkl')).toBe('Authorization: ***');
    expect(redact('sent Bearer abcdefghijkl to it')).toBe('sent Bearer *** to it');
    expect(redactArgs(['--api-key', 'k1', '--password=p', 'plain'])).toEqual([
      '--api-key',
      '***',
      '--password=***',
      'plain',
    ]);
  });
});
