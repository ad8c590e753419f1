/**
 * The prompt assistant (optional): when an OpenAI-compatible chat server is configured as an
 * engine server of kind 'llm' (llama.cpp's llama-server, Ollama, LM Studio), "Enhance" rewrites
 * a prompt with a prompt template (a system prompt, a token limit, the image model family it
 * writes for). The original and the enhanced prompt are both kept: see `enhancedParams`.
 */
import { z } from 'zod';
import { event, method } from './define';

/** The same limit as generate's prompts: an enhanced prompt must fit an order. */
export const MAX_ASSISTANT_PROMPT = 8000;

export interface PromptTemplateInfo {
  id: string;
  name: string;
  systemPrompt: string;
  /** The chat server's `max_tokens` for the answer. */
  maxTokens: number;
  /** The model family (or model) it writes for, e.g. 'sdxl'; named in the system prompt. */
  targetModel: string | null;
  temperature: number;
  /** Shipped with Atelier: read-only (copy it under another name to change it). */
  system: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AssistantEndpointInfo {
  id: string;
  name: string;
  /** The chat model Enhance uses by default (the server's first); known once it was asked. */
  model?: string;
  /** Every model the server lists (when it was asked). */
  models?: string[];
  /** Why it cannot be used now (only when it was asked and did not answer). */
  problem?: string;
}

export interface AssistantStatus {
  /** There is an enabled LLM server to ask (and, when probed, one answered). */
  available: boolean;
  /** Enabled LLM servers, in the order Enhance picks them. */
  endpoints: AssistantEndpointInfo[];
  /** What to do to make Enhance work, in words; null when available. */
  problem: string | null;
}

export interface EnhanceResult {
  /** The prompt as sent, unchanged. */
  original: string;
  /** The rewritten prompt, cleaned (no quotes, labels, fences or thinking) and capped. */
  enhanced: string;
  templateId: string;
  endpointId: string;
  /** The chat model that wrote it. */
  model: string;
  /** Echoes the input's requestId (or the one made up for it): the `assistant.delta` events' id. */
  requestId: string;
  /** As the server counted them, when it said. */
  tokens?: { prompt: number; completion: number };
  /** The answer stopped at the template's token limit (finish_reason "length"). */
  truncated: boolean;
  /** What was repaired (a LoRA tag the model dropped, put back) or may need a look. */
  warnings: string[];
  durationMs: number;
}

/** One streamed piece of an answer, raw as it arrives; the call's result is the cleaned whole. */
export interface AssistantDelta {
  requestId: string;
  text: string;
  /** Who asked: only their windows see it (a prompt being written is theirs). */
  userId: string | null;
}

/**
 * The parameters of a generation whose prompt came from Enhance: the enhanced prompt is what the
 * engine gets, and the original rides along so the order item and the asset can show both.
 * When the form used Enhance, generate.start's items carry `originalPrompt` in their params;
 * the asset shows it as the generation fact "Original prompt". Pure, so the form can use it.
 */
export function enhancedParams(
  original: string,
  enhanced: string,
): { prompt: string; originalPrompt: string } {
  return { prompt: enhanced, originalPrompt: original };
}

export const NO_CHAT_ENDPOINT =
  'No chat endpoint: add an OpenAI-compatible server (llama-server, Ollama, LM Studio) in Settings → Engines as an LLM server';

const id = z.string().trim().min(1).max(64);
const promptText = z
  .string()
  .max(
    MAX_ASSISTANT_PROMPT,
    `A prompt may be at most ${MAX_ASSISTANT_PROMPT.toLocaleString('en')} characters`,
  )
  .refine((s) => s.trim().length > 0, 'Write a prompt to enhance first');

export const promptTemplateInput = z
  .object({
    /** Absent: a new template. */
    id: id.optional(),
    name: z.string().trim().min(1, 'A template needs a name').max(120),
    systemPrompt: z.string().trim().min(10, 'A system prompt of at least a sentence').max(20_000),
    maxTokens: z.number().int().min(16).max(4096).default(300),
    targetModel: z.string().trim().min(1).max(100).nullable().default(null),
    temperature: z.number().min(0).max(2).default(0.7),
  })
  .strict();

export const enhanceInput = z
  .object({
    prompt: promptText,
    templateId: id,
    /** An LLM server's id; the first enabled one when absent. */
    endpointId: id.optional(),
    /** The chat model's name as the server lists it; the server's first model when absent. */
    model: z.string().trim().min(1).max(300).optional(),
    /** Stream the answer as `assistant.delta` events while it is written. */
    stream: z.boolean().default(true),
    /** Chosen by the caller to match the `assistant.delta` events to this call. */
    requestId: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

export const assistantMethods = {
  'promptTemplates.list': method(
    z.object({}).strict(),
    'Prompt templates for Enhance: the shipped ones first, then by name.',
  )<PromptTemplateInfo[]>(),
  'promptTemplates.set': method(
    promptTemplateInput,
    'Create a prompt template, or change one (shipped templates are read-only).',
  )<PromptTemplateInfo>(),
  'promptTemplates.delete': method(
    z.object({ id }).strict(),
    'Delete a prompt template (shipped templates cannot be deleted).',
  )<{ deleted: boolean }>(),
  'assistant.status': method(
    z
      .object({
        /** Ask each LLM server for its models (a few seconds at most); otherwise answer at once. */
        probe: z.boolean().default(false),
      })
      .strict(),
    'Whether Enhance can work: the LLM servers it would ask, or what to set up first.',
  )<AssistantStatus>(),
  'assistant.enhance': method(
    enhanceInput,
    'Rewrite a prompt with a prompt template on an OpenAI-compatible chat server; streams assistant.delta events, returns the original and the enhanced prompt.',
  )<EnhanceResult>(),
} as const;

export const assistantEvents = {
  'assistant.delta': event<AssistantDelta>(
    'A piece of an Enhance answer as the chat server writes it (raw; the call returns the cleaned whole).',
  ),
  'promptTemplates.changed': event<{ id: string }>(
    'A prompt template was created, changed or deleted.',
  ),
} as const;
