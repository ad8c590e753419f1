import type { z } from 'zod';
import {
  MAX_ASSISTANT_PROMPT,
  type EnhanceResult,
  type enhanceInput,
} from '../../../contract/assistant';
import { AppError } from '../../../contract/errors';
import type { Atelier } from '../../app/atelier';
import { appLog } from '../../log/appLog';
import { uuidv7 } from '../../util/ids';
import { completeChat, streamChat, type ChatAnswer, type ChatOptions } from './chatClient';
import { cleanAnswer } from './clean';
import { chatRequestFor } from './prompt';
import { chooseModel, chooseServer, targetOf } from './servers';
import { getPromptTemplate } from './templates';

/**
 * Enhance: one prompt rewritten by a chat server with a prompt template. It runs while the
 * caller waits (a few seconds of a small model), not through the job queue: the answer is for
 * the form that asked, not for the Library. Streamed pieces go out as `assistant.delta` events
 * under the caller's requestId; the call returns the cleaned whole with the original beside it.
 */
export async function enhancePrompt(
  core: Atelier,
  input: z.output<typeof enhanceInput>,
  options: ChatOptions = {},
  userId: string | null = null,
): Promise<EnhanceResult> {
  const t0 = performance.now();
  const template = getPromptTemplate(core, input.templateId);
  const server = chooseServer(core, input.endpointId);
  const target = targetOf(server);
  const model = await chooseModel(core, server, input.model);
  const request = chatRequestFor(template, input.prompt, model);
  const requestId = input.requestId ?? uuidv7();

  const answer: ChatAnswer = input.stream
    ? await streamChat(
        target,
        request,
        (text) => core.events.emit('assistant.delta', { requestId, text, userId }),
        options,
      )
    : await completeChat(target, request, options);

  const truncated = answer.finishReason === 'length';
  const cleaned = cleanAnswer(answer.content, input.prompt, MAX_ASSISTANT_PROMPT);
  if (!cleaned.text) {
    const why =
      truncated && answer.reasoned
        ? ` (it spent the template's ${template.maxTokens} tokens thinking: raise the limit or use a model that does not think)`
        : truncated
          ? ` (it stopped at the template's limit of ${template.maxTokens} tokens)`
          : '';
    throw new AppError(
      'engine_failed',
      `${target.label} (${model}): the model returned nothing${why}`,
      {
        reason: 'empty',
        finishReason: answer.finishReason,
      },
    );
  }
  const warnings = [...cleaned.warnings];
  if (truncated)
    warnings.unshift(
      `The answer stopped at the template's limit of ${template.maxTokens} tokens: it may end mid-sentence`,
    );
  const durationMs = Math.round(performance.now() - t0);
  appLog.info(
    'assistant',
    `"${template.name}" on ${target.label} (${model}): ${input.prompt.length} → ${cleaned.text.length} characters in ${durationMs} ms${answer.usage ? `, ${answer.usage.prompt}+${answer.usage.completion} tokens` : ''}`,
  );
  return {
    original: input.prompt,
    enhanced: cleaned.text,
    templateId: template.id,
    endpointId: server.id,
    model,
    requestId,
    ...(answer.usage ? { tokens: answer.usage } : {}),
    truncated,
    warnings,
    durationMs,
  };
}
