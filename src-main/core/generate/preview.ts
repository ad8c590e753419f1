import type { OrderPreview } from '../../contract/batches';
import type { MethodParsedInput } from '../../contract';
import type { Atelier } from '../app/atelier';
import { expandPrompt } from './expand';
import { lookupTable } from './library/lookups';
import { presetsFor } from './library/negativePresets';

/**
 * What a prompt expands to, before anything is queued: the confirmation the Generate page shows
 * while the creator types ("4 batches · 96 images") and `atelier orders preview` prints.
 */
export function previewOrder(
  core: Atelier,
  input: MethodParsedInput<'orders.preview'>,
): OrderPreview {
  const t0 = performance.now();
  const exp = expandPrompt({
    prompt: input.prompt,
    negative: input.negative,
    seed: input.seed >= 0 ? input.seed : 0,
    lookups: lookupTable(core),
  });
  const presets = input.noNegativePresets
    ? []
    : presetsFor(core, input.family ?? null).map((p) => p.text);
  return {
    ok: exp.ok,
    errors: exp.errors,
    warnings: exp.warnings,
    dryRun: exp.dryRun,
    total: exp.total,
    truncated: exp.truncated,
    batches: exp.batches,
    ...(input.items ? { items: exp.items } : {}),
    negativePresets: presets,
    durationMs: Math.round((performance.now() - t0) * 10) / 10,
  };
}
