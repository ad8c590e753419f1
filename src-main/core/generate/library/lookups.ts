import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../contract/errors';
import type { LookupInfo } from '../../../contract/batches';
import type { Atelier } from '../../app/atelier';
import { statements } from '../../db/statements';
import { nowIso } from '../../util/ids';

interface Row {
  key: string;
  vals: string;
  description: string;
  category: string;
  system: number;
  updated_at: string;
}

const toInfo = (r: Row): LookupInfo => ({
  key: r.key,
  values: JSON.parse(r.vals) as string[],
  description: r.description,
  category: r.category,
  system: r.system === 1,
  updatedAt: r.updated_at,
});

/** Lookup names are matched without case, as `[Colour]` and `__colour__` both mean `colour`. */
export const lookupKey = (name: string) => name.trim().toLowerCase();

export function listLookups(core: Atelier, search?: string): LookupInfo[] {
  const q = search?.toLowerCase();
  return (statements(core.sqlite).all('SELECT * FROM lookups ORDER BY category, key', []) as Row[])
    .map(toInfo)
    .filter(
      (l) =>
        !q ||
        l.key.includes(q) ||
        l.description.toLowerCase().includes(q) ||
        l.category.toLowerCase().includes(q),
    );
}

export function getLookup(core: Atelier, key: string): LookupInfo {
  const r = statements(core.sqlite).all('SELECT * FROM lookups WHERE key = ?', [
    lookupKey(key),
  ])[0] as Row | undefined;
  if (!r) throw new AppError('not_found', `No lookup “${key}”`);
  return toInfo(r);
}

/** Every lookup as the expander wants them: name → values. */
export function lookupTable(core: Atelier): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of statements(core.sqlite).all('SELECT key, vals FROM lookups', []) as Row[])
    out[r.key] = JSON.parse(r.vals) as string[];
  return out;
}

export function setLookup(
  core: Atelier,
  input: { key: string; values: string[]; description?: string; category?: string },
  opts: { system?: boolean } = {},
): LookupInfo {
  const k = lookupKey(input.key);
  const existing = statements(core.sqlite).all('SELECT system FROM lookups WHERE key = ?', [
    k,
  ])[0] as { system: number } | undefined;
  if (existing?.system === 1 && !opts.system)
    throw new AppError(
      'conflict',
      `“${k}” ships with Atelier and is read-only: save a copy under another name`,
    );
  const values = [...new Set(input.values.map((v) => v.trim()).filter(Boolean))];
  if (!values.length) throw new AppError('invalid_input', `A lookup needs at least one value`);
  const at = nowIso();
  statements(core.sqlite)
    .get(
      `INSERT INTO lookups (key, vals, description, category, system, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET vals = excluded.vals,
         description = CASE WHEN ? THEN excluded.description ELSE lookups.description END,
         category = CASE WHEN ? THEN excluded.category ELSE lookups.category END, updated_at = excluded.updated_at`,
    )
    .run(
      k,
      JSON.stringify(values),
      input.description ?? '',
      input.category ?? '',
      opts.system ? 1 : 0,
      at,
      at,
      input.description !== undefined ? 1 : 0,
      input.category !== undefined ? 1 : 0,
    );
  core.events.emit('lookups.changed', { key: k });
  return getLookup(core, k);
}

export function deleteLookup(core: Atelier, key: string): { deleted: boolean } {
  const k = lookupKey(key);
  const r = statements(core.sqlite).all('SELECT system FROM lookups WHERE key = ?', [k])[0] as
    | { system: number }
    | undefined;
  if (r?.system === 1)
    throw new AppError('conflict', `“${k}” ships with Atelier and cannot be deleted`);
  const { changes } = statements(core.sqlite).get('DELETE FROM lookups WHERE key = ?').run(k);
  if (changes) core.events.emit('lookups.changed', { key: k });
  return { deleted: changes > 0 };
}

/** One value a line; blank lines and `#` comments skipped (the wildcard files people share). */
export function wildcardValues(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/**
 * Imports a wildcard folder: `NAME.txt` per lookup (sub-folders become `folder/name`-style
 * names joined with `_`, since lookup names have no slashes). Existing lookups are kept unless
 * `replace`; a file that is not text, or is empty, is reported and skipped.
 */
export async function importWildcards(
  core: Atelier,
  input: { dir: string; replace: boolean; category?: string },
): Promise<{
  imported: string[];
  skipped: string[];
  problems: { file: string; problem: string }[];
}> {
  const root = path.resolve(input.dir);
  const st = await stat(root).catch(() => null);
  if (!st?.isDirectory()) throw new AppError('invalid_input', `${input.dir} is not a folder`);
  const imported: string[] = [];
  const skipped: string[] = [];
  const problems: { file: string; problem: string }[] = [];
  const walk = async (dir: string, prefix: string, depth: number): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory() && depth < 4) await walk(full, `${prefix}${e.name}_`, depth + 1);
      if (!e.isFile() || path.extname(e.name).toLowerCase() !== '.txt') continue;
      const name = lookupKey(`${prefix}${path.basename(e.name, path.extname(e.name))}`).replace(
        /[^\p{L}\p{N}_-]+/gu,
        '_',
      );
      const buf = await readFile(full);
      if (buf.length > 5 * 1024 * 1024 || buf.includes(0)) {
        problems.push({
          file: full,
          problem: buf.includes(0) ? 'not a text file' : 'larger than 5 MB',
        });
        continue;
      }
      const values = wildcardValues(buf.toString('utf8')).slice(0, 10_000);
      if (!values.length) {
        problems.push({ file: full, problem: 'no values (one a line)' });
        continue;
      }
      const exists = statements(core.sqlite).all('SELECT system FROM lookups WHERE key = ?', [
        name,
      ])[0] as { system: number } | undefined;
      if (exists && (!input.replace || exists.system === 1)) {
        skipped.push(name);
        continue;
      }
      setLookup(core, {
        key: name,
        values,
        description: `Imported from ${path.relative(root, full)}`,
        category: input.category ?? path.basename(root),
      });
      imported.push(name);
    }
  };
  await walk(root, '', 0);
  return { imported, skipped, problems };
}
