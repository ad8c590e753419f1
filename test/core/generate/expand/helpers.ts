import {
  expandPrompt,
  type ExpandInput,
  type Expansion,
} from '../../../../src-main/core/generate/expand';

/** Expands with seed 1 and no lookups unless told otherwise. */
export function ex(prompt: string, more: Partial<ExpandInput> = {}): Expansion {
  return expandPrompt({ prompt, seed: 1, lookups: {}, ...more });
}

export const prompts = (r: Expansion): string[] => r.items.map((i) => i.prompt);
export const negatives = (r: Expansion): string[] => r.items.map((i) => i.negative);
