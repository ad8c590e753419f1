import type { PromptTemplateInfo } from '../../../contract/assistant';
import type { ChatRequest } from './chatClient';

/**
 * What the chat model is told: the template's system prompt, with `{target}` naming the image
 * model it writes for, then the user's prompt as the one user message, unwrapped, so a model
 * has nothing to quote back.
 */

/** Families by the names a chat model knows them by. */
const familyNames: Record<string, string> = {
  sd15: 'Stable Diffusion 1.5',
  sd2: 'Stable Diffusion 2',
  sdxl: 'Stable Diffusion XL (SDXL)',
  sd3: 'Stable Diffusion 3',
  flux: 'Flux',
  wan: 'the Wan video model',
};

export function targetName(targetModel: string | null): string {
  if (!targetModel) return 'a text-to-image model';
  return familyNames[targetModel.trim().toLowerCase()] ?? targetModel.trim();
}

export function systemPromptFor(template: PromptTemplateInfo): string {
  const target = targetName(template.targetModel);
  if (template.systemPrompt.includes('{target}'))
    return template.systemPrompt.replaceAll('{target}', target);
  // A template written without the placeholder still learns the family it writes for.
  return template.targetModel
    ? `${template.systemPrompt}\n\nThe prompt is for ${target}.`
    : template.systemPrompt;
}

export function chatRequestFor(
  template: PromptTemplateInfo,
  prompt: string,
  model: string,
): ChatRequest {
  return {
    model,
    messages: [
      { role: 'system', content: systemPromptFor(template) },
      { role: 'user', content: prompt.trim() },
    ],
    maxTokens: template.maxTokens,
    temperature: template.temperature,
  };
}
