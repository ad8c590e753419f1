import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AppError } from '../../contract/errors';

/**
 * Password hashes with scrypt (Node's own, a maintained implementation of RFC 7914), stored as
 * `scrypt$N$r$p$salt$hash`. N = 2^15 costs ~100 ms and 32 MB here: slow for a guesser, quick for
 * a person signing in. The parameters travel with each hash, so they can be raised later.
 */
const N = 2 ** 15;
const r = 8;
const p = 1;
const KEYLEN = 32;

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEYLEN,
      { ...opts, maxmem: 128 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

export const MIN_PASSWORD = 10;

/** A password good enough to guard a library reachable over a network. */
export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD)
    throw new AppError('invalid_input', `A password needs at least ${MIN_PASSWORD} characters.`);
  if (password.length > 1024) throw new AppError('invalid_input', 'That password is too long.');
  if (/^(.)\1+$/.test(password))
    throw new AppError(
      'invalid_input',
      'A password of one repeated character is too easy to guess.',
    );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = stored?.split('$');
  if (!parts || parts.length !== 6 || parts[0] !== 'scrypt') {
    // Same work for an unknown account as for a known one: the answer time says nothing.
    await derive(password, randomBytes(16), { N, r, p });
    return false;
  }
  const [, n, rr, pp, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(rr),
    p: Number(pp),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
