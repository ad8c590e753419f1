import { AppError } from '../../../contract/errors';
import type { GenerationTemplateInfo } from '../../../contract/batches';
import type { Atelier } from '../../app/atelier';
import { statements } from '../../db/statements';
import { nowIso, uuidv7 } from '../../util/ids';
import { orderRow } from '../orderStore';

interface Row {
  id: string;
  name: string;
  model_id: string | null;
  model_name: string | null;
  params: string;
  project_id: string | null;
  usage_count: number;
  updated_at: string;
}

const select = `SELECT t.*, m.name AS model_name FROM generation_templates t LEFT JOIN models m ON m.id = t.model_id`;

const toInfo = (r: Row): GenerationTemplateInfo => ({
  id: r.id,
  name: r.name,
  model: r.model_id && r.model_name ? { id: r.model_id, name: r.model_name } : null,
  params: JSON.parse(r.params) as Record<string, unknown>,
  projectId: r.project_id,
  usageCount: r.usage_count,
  updatedAt: r.updated_at,
});

export function listTemplates(core: Atelier, projectId?: string): GenerationTemplateInfo[] {
  return (
    statements(core.sqlite).all(
      `${select} WHERE t.project_id IS NULL OR t.project_id = ? ORDER BY t.usage_count DESC, t.name`,
      [projectId ?? null],
    ) as Row[]
  ).map(toInfo);
}

function templateRow(core: Atelier, id: string): Row {
  const r = statements(core.sqlite).all(`${select} WHERE t.id = ?`, [id])[0] as Row | undefined;
  if (!r) throw new AppError('not_found', `No template ${id}`);
  return r;
}

/** The order's model and base parameters (its prompt as typed, before expansion) under a name. */
export function saveTemplateFromOrder(
  core: Atelier,
  input: { orderId: string; name: string; projectId?: string },
): GenerationTemplateInfo {
  const order = orderRow(core, input.orderId);
  const base = JSON.parse(order.params) as Record<string, unknown>;
  const { modelName: _m, placement: _p, seed: _s, ...params } = base;
  if (order.source_prompt) params.prompt = order.source_prompt;
  const at = nowIso();
  const id = uuidv7();
  try {
    statements(core.sqlite)
      .get(
        `INSERT INTO generation_templates (id, name, model_id, params, project_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, input.name, order.model_id, JSON.stringify(params), input.projectId ?? null, at, at);
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
      throw new AppError('conflict', `There is already a template named “${input.name}”`);
    throw err;
  }
  return toInfo(templateRow(core, id));
}

export function useTemplate(core: Atelier, id: string): GenerationTemplateInfo {
  templateRow(core, id);
  statements(core.sqlite)
    .get(
      'UPDATE generation_templates SET usage_count = usage_count + 1, updated_at = ? WHERE id = ?',
    )
    .run(nowIso(), id);
  return toInfo(templateRow(core, id));
}

export function deleteTemplate(core: Atelier, id: string): { deleted: boolean } {
  return {
    deleted:
      statements(core.sqlite).get('DELETE FROM generation_templates WHERE id = ?').run(id).changes >
      0,
  };
}
