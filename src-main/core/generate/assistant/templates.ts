import { AppError } from '../../../contract/errors';
import type { PromptTemplateInfo } from '../../../contract/assistant';
import type { Atelier } from '../../app/atelier';
import { statements } from '../../db/statements';
import { nowIso, uuidv7 } from '../../util/ids';

/** Prompt templates (0013): how the chat server is asked to rewrite a prompt. */

interface Row {
  id: string;
  name: string;
  system_prompt: string;
  max_tokens: number;
  target_model: string | null;
  temperature: number;
  system: number;
  created_at: string;
  updated_at: string;
}

const toInfo = (r: Row): PromptTemplateInfo => ({
  id: r.id,
  name: r.name,
  systemPrompt: r.system_prompt,
  maxTokens: r.max_tokens,
  targetModel: r.target_model,
  temperature: r.temperature,
  system: r.system === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function listPromptTemplates(core: Atelier): PromptTemplateInfo[] {
  return (
    statements(core.sqlite).all(
      'SELECT * FROM prompt_templates ORDER BY system DESC, lower(name), id',
      [],
    ) as Row[]
  ).map(toInfo);
}

export function getPromptTemplate(core: Atelier, id: string): PromptTemplateInfo {
  const r = statements(core.sqlite).all('SELECT * FROM prompt_templates WHERE id = ?', [id])[0] as
    | Row
    | undefined;
  if (!r) throw new AppError('not_found', `No prompt template ${id}`);
  return toInfo(r);
}

export interface PromptTemplateInput {
  id?: string;
  name: string;
  systemPrompt: string;
  maxTokens: number;
  targetModel: string | null;
  temperature: number;
}

/**
 * Names are unique without case. SQLite's lower() (the index's backstop) folds ASCII only, so
 * the check that gives the message is done here, with JavaScript's folding.
 */
function assertNameFree(core: Atelier, name: string, except: string | null): void {
  const folded = name.toLocaleLowerCase('en');
  const clash = (
    statements(core.sqlite).all('SELECT id, name FROM prompt_templates', []) as Row[]
  ).find((r) => r.id !== except && r.name.toLocaleLowerCase('en') === folded);
  if (clash)
    throw new AppError('conflict', `There is already a prompt template named “${clash.name}”`);
}

export function setPromptTemplate(core: Atelier, input: PromptTemplateInput): PromptTemplateInfo {
  const existing = input.id ? getPromptTemplate(core, input.id) : null;
  if (existing?.system)
    throw new AppError(
      'conflict',
      `“${existing.name}” ships with Atelier and is read-only: save a copy under another name`,
    );
  const name = input.name.trim();
  assertNameFree(core, name, existing?.id ?? null);
  const id = existing?.id ?? uuidv7();
  const at = nowIso();
  statements(core.sqlite)
    .get(
      `INSERT INTO prompt_templates (id, name, system_prompt, max_tokens, target_model, temperature, system, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, system_prompt = excluded.system_prompt,
         max_tokens = excluded.max_tokens, target_model = excluded.target_model,
         temperature = excluded.temperature, updated_at = excluded.updated_at`,
    )
    .run(
      id,
      name,
      input.systemPrompt,
      input.maxTokens,
      input.targetModel,
      input.temperature,
      at,
      at,
    );
  core.events.emit('promptTemplates.changed', { id });
  return getPromptTemplate(core, id);
}

export function deletePromptTemplate(core: Atelier, id: string): { deleted: boolean } {
  const r = statements(core.sqlite).all('SELECT name, system FROM prompt_templates WHERE id = ?', [
    id,
  ])[0] as { name: string; system: number } | undefined;
  if (r?.system === 1)
    throw new AppError('conflict', `“${r.name}” ships with Atelier and cannot be deleted`);
  const { changes } = statements(core.sqlite)
    .get('DELETE FROM prompt_templates WHERE id = ?')
    .run(id);
  if (changes) core.events.emit('promptTemplates.changed', { id });
  return { deleted: changes > 0 };
}
