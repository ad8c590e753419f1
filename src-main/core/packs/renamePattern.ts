import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import { fileNameProblems, sanitizeFileName, splitExt } from './fileNames';
import { packMembers, requirePack, stmt } from './packStore';

/**
 * Batch rename: every asset's export name from one pattern, in pack order.
 * `{pack}` the pack's slug, `{n}` the position from 1 (`{n:03}` zero-pads to 3 digits), `{title}`
 * the asset's title (else its file name's stem), `{orig}` its own file name's stem, `{ext}` its
 * extension without the dot. The real extension is added when the pattern leaves it out, as a
 * typed export name gets it (fileNames.wantedName): a buyer's OS opens a file by it.
 */
export interface PatternAsset {
  filename: string;
  ext: string;
  title: string;
}

const TOKEN = /\{(pack|n|title|orig|ext)(?::(\d{1,2}))?\}/g;

export function patternProblems(pattern: string): string[] {
  const out: string[] = [];
  const unknown = [...pattern.matchAll(/\{([^}]*)\}/g)]
    .map((m) => m[0])
    .filter((t) => !new RegExp(`^${TOKEN.source}$`).test(t));
  if (unknown.length) out.push(`has unknown fields ${unknown.join(', ')}`);
  if (!/\{n(?::\d+)?\}/.test(pattern) && !/\{orig\}/.test(pattern))
    out.push('needs {n} or {orig}, or every file would get the same name');
  return out;
}

export function expandPattern(pattern: string, packSlug: string, assets: PatternAsset[]): string[] {
  return assets.map((a, i) => {
    const { stem, ext: dotExt } = splitExt(a.filename);
    const ext = (a.ext || dotExt).replace(/^\./, '');
    const raw = pattern.replace(TOKEN, (_m, key: string, pad?: string) => {
      switch (key) {
        case 'pack':
          return packSlug;
        case 'n':
          return String(i + 1).padStart(pad ? Number(pad) : 0, '0');
        case 'title':
          return a.title.trim() || stem;
        case 'orig':
          return stem;
        default:
          return ext;
      }
    });
    const withExt =
      ext && !raw.toLowerCase().endsWith(`.${ext.toLowerCase()}`) ? `${raw}.${ext}` : raw;
    // Titles may hold characters a file name cannot: they become "_" rather than an error.
    return sanitizeFileName(withExt.replace(/[/\\]/g, '_'));
  });
}

export function renameAll(
  core: Atelier,
  packId: string,
  pattern: string,
  dryRun: boolean,
): { names: { assetId: string; name: string }[]; renamed: number } {
  const pack = requirePack(core, packId);
  const problems = patternProblems(pattern);
  if (problems.length)
    throw new AppError('invalid_input', `The pattern ${problems.join('; ')}`, { problems });
  const members = packMembers(core, packId);
  const names = expandPattern(pattern, pack.slug, members);
  const bad = names.find((n) => fileNameProblems(n).length);
  if (bad) throw new AppError('invalid_input', `"${bad}" ${fileNameProblems(bad).join('; ')}`);
  const out = members.map((m, i) => ({ assetId: m.asset_id, name: names[i]! }));
  if (dryRun) return { names: out, renamed: 0 };
  let renamed = 0;
  const upd = stmt(
    core.sqlite,
    'UPDATE pack_assets SET export_filename = ? WHERE pack_id = ? AND asset_id = ?',
  );
  core.sqlite.transaction(() => {
    for (const n of out) renamed += upd.run(n.name, packId, n.assetId).changes;
    stmt(core.sqlite, 'UPDATE packs SET name_pattern = ?, updated_at = ? WHERE id = ?').run(
      pattern,
      new Date().toISOString(),
      packId,
    );
  })();
  core.events.emit('packs.changed', { packId });
  return { names: out, renamed };
}
