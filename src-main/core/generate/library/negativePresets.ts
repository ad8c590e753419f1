import { AppError } from '../../../contract/errors';
import type { NegativePresetInfo } from '../../../contract/batches';
import type { Atelier } from '../../app/atelier';
import { statements } from '../../db/statements';
import { nowIso, uuidv7 } from '../../util/ids';

interface Row {
  id: string;
  name: string;
  family: string | null;
  content_mode: 'sfw' | 'nsfw' | 'any';
  text: string;
  priority: number;
  active: number;
}

const toInfo = (r: Row): NegativePresetInfo => ({
  id: r.id,
  name: r.name,
  family: r.family,
  contentMode: r.content_mode,
  text: r.text,
  priority: r.priority,
  active: r.active === 1,
});

export function listNegativePresets(core: Atelier): NegativePresetInfo[] {
  return (
    statements(core.sqlite).all(
      'SELECT * FROM negative_presets ORDER BY family IS NOT NULL, family, priority DESC, name',
      [],
    ) as Row[]
  ).map(toInfo);
}

export function setNegativePreset(
  core: Atelier,
  input: Omit<NegativePresetInfo, 'id'> & { id?: string },
): NegativePresetInfo {
  const at = nowIso();
  const id = input.id ?? uuidv7();
  if (
    input.id &&
    !statements(core.sqlite).all('SELECT 1 FROM negative_presets WHERE id = ?', [id]).length
  )
    throw new AppError('not_found', `No negative preset ${input.id}`);
  statements(core.sqlite)
    .get(
      `INSERT INTO negative_presets (id, name, family, content_mode, text, priority, active, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, family = excluded.family, content_mode = excluded.content_mode,
         text = excluded.text, priority = excluded.priority, active = excluded.active, updated_at = excluded.updated_at`,
    )
    .run(
      id,
      input.name,
      input.family,
      input.contentMode,
      input.text,
      input.priority,
      input.active ? 1 : 0,
      at,
      at,
    );
  return toInfo(
    statements(core.sqlite).all('SELECT * FROM negative_presets WHERE id = ?', [id])[0] as Row,
  );
}

export function deleteNegativePreset(core: Atelier, id: string): { deleted: boolean } {
  return {
    deleted:
      statements(core.sqlite).get('DELETE FROM negative_presets WHERE id = ?').run(id).changes > 0,
  };
}

/**
 * The active presets for a family (and those for every family), highest priority first, that
 * fit the content mode ('any' presets always do).
 */
export function presetsFor(
  core: Atelier,
  family: string | null,
  mode: 'sfw' | 'nsfw' = 'sfw',
): NegativePresetInfo[] {
  return listNegativePresets(core)
    .filter(
      (p) =>
        p.active &&
        (p.family === null || p.family === family) &&
        (p.contentMode === 'any' || p.contentMode === mode),
    )
    .sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
}

/** The negative with the presets appended, skipping text it already has. */
export function withPresets(negative: string, presets: NegativePresetInfo[]): string {
  const parts = negative.trim() ? [negative.trim()] : [];
  for (const p of presets)
    if (!parts.some((x) => x.includes(p.text.trim()))) parts.push(p.text.trim());
  return parts.join(', ');
}
