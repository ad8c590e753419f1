import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import { completeChat } from '../generate/assistant/chatClient';
import { chooseModel, chooseServer, targetOf } from '../generate/assistant/servers';
import { listEndpoints } from '../engines/endpoints';
import { languageName } from '../../contract/languages';
import { knownNonCommercial, type EngineUse } from './speechSteps';

/**
 * Translation through an OpenAI-compatible chat server (llama-server, Ollama, LM Studio): cues go
 * in batches with the cues around them as context and a character budget each (≈ 15 characters
 * a second of its slot, what a voice says in that time), and come back as JSON keyed by cue id.
 */
export const CHARS_PER_SECOND = 15;

export function budgetOf(slotMs: number): number {
  return Math.max(12, Math.round((CHARS_PER_SECOND * slotMs) / 1000));
}

export function hasChatServer(core: Atelier): boolean {
  return listEndpoints(core).some((e) => e.kind === 'llm' && e.enabled);
}

export interface ChatCue {
  id: number;
  text: string;
  slotMs: number;
}

/** The first JSON object in an answer (models wrap it in prose or code fences now and then). */
export function jsonObjectIn(answer: string): Record<string, unknown> | null {
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  try {
    const v = JSON.parse(answer.slice(start, end + 1)) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function ask(core: Atelier, system: string, user: unknown, maxTokens: number) {
  const server = chooseServer(core);
  const model = await chooseModel(core, server);
  const answer = await completeChat(targetOf(server), {
    model,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: JSON.stringify(user) },
    ],
    maxTokens,
    temperature: 0.2,
  });
  return {
    answer,
    use: {
      stage: 'translation' as const,
      name: `${model} on ${targetOf(server).label}`,
      nonCommercial: knownNonCommercial(model),
      license: 'the model’s own licence: check its card (NLLB and many others are non-commercial)',
    },
  };
}

export async function translateWithChat(
  core: Atelier,
  cues: ChatCue[],
  context: { before: string[]; after: string[] },
  from: string,
  to: string,
): Promise<{ lines: Map<number, string>; use: EngineUse }> {
  const system = `You translate video subtitles from ${languageName(from)} to ${languageName(to)}. The user sends JSON: "cues" to translate (id, text, budget) and "context" (the lines just before and after, for meaning only — do not translate them). Answer with one JSON object only, no prose and no code fences: each key a cue id, each value its ${languageName(to)} translation. Keep each translation within its budget of characters: it is spoken in the cue's time. Keep names, numbers and meaning.`;
  const { answer, use } = await ask(
    core,
    system,
    {
      cues: cues.map((c) => ({
        id: c.id,
        text: c.text.replace(/\n/g, ' '),
        budget: budgetOf(c.slotMs),
      })),
      context,
    },
    Math.min(4096, 64 + cues.reduce((n, c) => n + Math.ceil(budgetOf(c.slotMs) / 2), 0) * 2),
  );
  const obj = jsonObjectIn(answer.content);
  if (!obj)
    throw new AppError(
      'engine_failed',
      `The translator did not answer with JSON (${answer.finishReason === 'length' ? 'it ran out of tokens' : `it said: “${answer.content.slice(0, 120)}”`}).`,
    );
  const lines = new Map<number, string>();
  for (const c of cues) {
    const v = obj[String(c.id)];
    if (typeof v === 'string' && v.trim()) lines.set(c.id, v.replace(/\s+/g, ' ').trim());
  }
  const missing = cues.filter((c) => !lines.has(c.id)).map((c) => c.id);
  if (missing.length)
    throw new AppError(
      'engine_failed',
      `The translator left out cue${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
    );
  return { lines, use };
}

/** A dub line that does not fit: the translator is asked for a shorter one within the budget. */
export async function shortenWithChat(
  core: Atelier,
  line: { text: string; translation: string; slotMs: number },
  to: string,
): Promise<string | null> {
  const budget = budgetOf(line.slotMs);
  const { answer } = await ask(
    core,
    `You shorten one ${languageName(to)} subtitle line so it can be spoken in its time. Keep the meaning of the original. Answer with JSON only: {"line": "..."} of at most ${budget} characters.`,
    { original: line.text, translation: line.translation, budget },
    256,
  );
  const v = jsonObjectIn(answer.content)?.line;
  return typeof v === 'string' && v.trim() && v.trim().length < line.translation.length
    ? v.trim()
    : null;
}
