import { sql, type Kysely } from 'kysely';

/**
 * Prompt templates for the optional prompt assistant: how an OpenAI-compatible chat server
 * (llama-server, Ollama, LM Studio) is asked to rewrite a prompt. Each is a system prompt, a
 * token limit and a temperature, and the image model family it writes for (`target_model`:
 * 'sd15', 'sdxl', 'flux'… or free text; it is named in the system prompt). `system` ones ship
 * with Atelier and are read-only; names are unique without case.
 *
 * The shipped texts are frozen here like any migration: a better wording later is a new
 * migration that updates the rows by id.
 */

/** What every shipped template repeats: the answer is pasted into the prompt field as it is. */
const RULES = `Rules:
- Answer with the prompt only: no title, no "Prompt:" label, no quotes, no code fences, no explanation, no notes before or after.
- Keep every LoRA tag such as <lora:name:0.8> exactly as written, character for character.
- Keep prompt syntax untouched: alternatives in square brackets like [red, blue] and wildcards like __season__ stay exactly as written, in the same place.
- Keep attention weights such as (word:1.2) as written.
- Keep the subject and intent of the original; add detail, do not change what the picture is of.
- Write in English.`;

const seeds: Array<{
  id: string;
  name: string;
  system_prompt: string;
  max_tokens: number;
  target_model: string | null;
  temperature: number;
}> = [
  {
    id: 'builtin-detailed-tags',
    name: 'Detailed (SD 1.5 tags)',
    target_model: 'sd15',
    max_tokens: 200,
    temperature: 0.7,
    system_prompt: `You rewrite image prompts for {target}. The user sends a prompt; you answer with a better version of it.

Write comma-separated tags, most important first: subject, then details of the subject, setting, composition and framing, lighting, colours, medium and style, then quality tags (masterpiece, best quality, highly detailed). Use short phrases of one to four words, not sentences. Aim for 25 to 50 tags.

${RULES}`,
  },
  {
    id: 'builtin-natural-language',
    name: 'Natural language (Flux/SDXL)',
    target_model: 'flux',
    max_tokens: 300,
    temperature: 0.7,
    system_prompt: `You rewrite image prompts for {target}. The user sends a prompt; you answer with a better version of it.

Write one vivid paragraph of plain descriptive sentences (60 to 120 words): the subject and what it is doing, its appearance, the setting, the composition and camera (shot type, lens, angle), the lighting and the mood, the medium or style. Describe only what can be seen. Do not use tag lists or quality words like "masterpiece" or "8k".

${RULES}`,
  },
  {
    id: 'builtin-short',
    name: 'Short and punchy',
    target_model: null,
    max_tokens: 80,
    temperature: 0.6,
    system_prompt: `You tighten image prompts for {target}. The user sends a prompt; you answer with a shorter, stronger version of it.

Keep it under 25 words: the subject, one or two defining details, the setting and the style. Cut filler, repetition and vague words; prefer concrete nouns and adjectives.

${RULES}`,
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE prompt_templates (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        system_prompt TEXT NOT NULL,
        max_tokens INTEGER NOT NULL CHECK (max_tokens BETWEEN 1 AND 8192),
        target_model TEXT,
        temperature REAL NOT NULL DEFAULT 0.7 CHECK (temperature BETWEEN 0 AND 2),
        system INTEGER NOT NULL DEFAULT 0 CHECK (system IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
    )
    .execute(db);
  await sql
    .raw(`CREATE UNIQUE INDEX prompt_templates_name ON prompt_templates(lower(name))`)
    .execute(db);
  const at = new Date().toISOString();
  for (const s of seeds)
    await sql`INSERT INTO prompt_templates (id, name, system_prompt, max_tokens, target_model, temperature, system, created_at, updated_at)
      VALUES (${s.id}, ${s.name}, ${s.system_prompt}, ${s.max_tokens}, ${s.target_model}, ${s.temperature}, 1, ${at}, ${at})`.execute(
      db,
    );
}
