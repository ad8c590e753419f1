import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { TrainingConfig } from '../../../contract/training';
import type { Atelier } from '../../app/atelier';
import { statements } from '../../db/statements';
import { describeModelFile } from '../../models/files/describeModel';
import { recordModelFile } from '../../models/registry';
import { registerOutput, type OutputLink } from '../../process/registerOutput';
import type { LoraFile, SampleFile } from './runFiles';
import type { TrainingRow } from './trainingStore';

/** Where a run's LoRAs live once saved: a models folder, so every engine and scan finds them. */
export function trainedLoraDir(core: Atelier, name: string): string {
  return path.join(core.layout.models, 'loras', 'trained', name);
}

/**
 * Copies a LoRA the trainer saved into the models folder and records it in the registry with
 * the run, the step or epoch, the trigger token, and the base model's license: a LoRA trained
 * on a non-commercial model is non-commercial too. The copy happens as soon as the save is
 * complete, so a run cancelled or crashed later keeps every LoRA it saved.
 */
export async function registerLora(
  core: Atelier,
  t: TrainingRow,
  file: LoraFile,
): Promise<string | null> {
  const dir = trainedLoraDir(core, t.name);
  await mkdir(dir, { recursive: true });
  const dest = path.join(dir, path.basename(file.path));
  const src = await stat(file.path);
  const have = await stat(dest).catch(() => null);
  // The final save is rewritten by a resumed run; step and epoch saves never change.
  if (!have || have.size !== src.size || (file.final && have.mtimeMs < src.mtimeMs)) {
    const part = `${dest}.part`;
    await copyFile(file.path, part);
    await rename(part, dest);
  }
  const now = await stat(dest);
  let facts = null;
  try {
    facts = await describeModelFile(dest);
  } catch {
    // A LoRA that does not read back is not recorded; the run's log says why.
    await rm(dest, { force: true });
    return null;
  }
  const { modelId } = recordModelFile(core, {
    location: 'local',
    path: dest,
    changed: true,
    kindHint: 'lora',
    sizeBytes: now.size,
    mtimeMs: now.mtimeMs,
    facts,
    problem: null,
  });
  if (!modelId) return null;
  const base = t.base_model_id
    ? (statements(core.sqlite)
        .get(`SELECT non_commercial, license_note FROM models WHERE id = ?`)
        .get(t.base_model_id) as
        | { non_commercial: number; license_note: string | null }
        | undefined)
    : undefined;
  const nonCommercial = t.non_commercial || base?.non_commercial ? 1 : 0;
  statements(core.sqlite)
    .get(
      `UPDATE models SET kind = 'lora', training_id = ?, training_step = ?, training_epoch = ?,
         trigger_token = coalesce(trigger_token, ?), non_commercial = max(non_commercial, ?),
         license_note = coalesce(license_note, ?), family = coalesce(family, ?),
         description = coalesce(description, ?), updated_at = ?
       WHERE id = ?`,
    )
    .run(
      t.id,
      file.step,
      file.epoch,
      t.trigger_token,
      nonCommercial,
      nonCommercial
        ? `Trained on ${t.base_model_name}${base?.license_note ? ` (${base.license_note})` : ''}, which is non-commercial.`
        : null,
      t.base_family,
      `Trained by Atelier on the dataset “${t.dataset_name}”.`,
      new Date().toISOString(),
      modelId,
    );
  return modelId;
}

/**
 * A sample image the trainer drew becomes an asset derived from the run: its prompt, seed and
 * base model as generation facts, linked to the run (with the step) and to the LoRA saved at
 * that step and the base model, so the pack check follows their licenses.
 */
export async function registerSample(
  core: Atelier,
  t: TrainingRow,
  config: TrainingConfig,
  s: SampleFile,
  ctx: { jobId: string; signal: AbortSignal; loraAt: (step: number) => string | null },
): Promise<string> {
  const step = s.step ?? s.epoch ?? 0;
  const prompt = config.samplePrompts[s.prompt] ?? null;
  const links: OutputLink[] = [
    {
      role: 'made_by',
      kind: 'training',
      id: t.id,
      details: { step, unit: s.step !== null ? 'step' : 'epoch', prompt: s.prompt },
    },
  ];
  const lora = ctx.loraAt(step);
  if (lora) links.push({ role: 'lora', kind: 'model', id: lora, details: { weight: 1 } });
  if (t.base_model_id) links.push({ role: 'model', kind: 'model', id: t.base_model_id });
  return registerOutput(core, {
    source: null,
    tempFile: s.path,
    suffix: `${s.step !== null ? 'step' : 'epoch'}${String(step).padStart(5, '0')}-${String(s.prompt + 1).padStart(2, '0')}`,
    ext: 'png',
    baseName: `${t.name}-sample`,
    provenance: 'ai_generated',
    links,
    generation: {
      prompt,
      negativePrompt: null,
      seed: s.seed,
      model: t.base_model_name,
      modelHash: null,
      params: { sampler: 'euler_a', lora: t.name, step: s.step, epoch: s.epoch },
    },
    derivation: { kind: 'training_sample', params: { trainingId: t.id, step }, engine: 'kohya' },
    jobId: ctx.jobId,
    signal: ctx.signal,
    projectId: t.project_id,
  });
}
