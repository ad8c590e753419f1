import { AppError } from '../../contract/errors';
import type { LibrarySort } from '../../contract/browse';

/**
 * A keyset cursor: the sort it belongs to and the last row's (key, rid). Opaque to clients;
 * a cursor from another sort is refused rather than silently skipping or repeating rows.
 */
export interface Cursor {
  key: LibrarySort['key'];
  dir: LibrarySort['dir'];
  value: string | number;
  rid: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.key, c.dir, c.value, c.rid])).toString('base64url');
}

export function decodeCursor(text: string, sort: LibrarySort): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('invalid_input', 'cursor: not a cursor this library gave out');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    typeof parsed[3] !== 'number' ||
    !(typeof parsed[2] === 'string' || typeof parsed[2] === 'number')
  ) {
    throw new AppError('invalid_input', 'cursor: not a cursor this library gave out');
  }
  if (parsed[0] !== sort.key || parsed[1] !== sort.dir) {
    throw new AppError(
      'invalid_input',
      `cursor: it belongs to sort ${parsed[0]} ${parsed[1]}, not ${sort.key} ${sort.dir}`,
    );
  }
  return { key: sort.key, dir: sort.dir, value: parsed[2], rid: parsed[3] };
}
