import { AppError } from '../../../contract/errors';
import type { TrainingInfo, TrainingPresetName } from '../../../contract/training';
import type { Atelier } from '../../app/atelier';
import type { Caller } from '../../app/caller';
import { statements } from '../../db/statements';
import { enqueueJob } from '../../jobs/enqueue';
import { getJobRow } from '../../jobs/jobStore';
import { cancelJob, moveJob, retryJob } from '../../jobs/queue';
import { matchKey } from '../../models/modelNames';
import { nowIso, uuidv7 } from '../../util/ids';
import { checkDataset } from '../datasets/checkDataset';
import { datasetItems, findDataset, trainingItems } from '../datasets/datasetStore';
import { resolveBaseModel, scriptFor } from './baseModel';
import { buildConfig, defaultSamplePrompts, type ConfigOverrides } from './presets';
import { getTrainingInfo, setTrainingFields, trainingRow } from './trainingStore';

export interface StartTrainingInput extends ConfigOverrides {
  datasetId: string;
  baseModel: string;
  preset: TrainingPresetName;
  name?: string;
  acceptWarnings: boolean;
  projectId?: string;
}

/** A LoRA name no model or earlier run has: tokfox, tokfox-2, tokfox-3… */
function freeName(core: Atelier, wanted: string): string {
  const taken = (n: string) =>
    !!statements(core.sqlite).get(`SELECT 1 FROM trainings WHERE name = ? COLLATE NOCASE`).get(n) ||
    !!statements(core.sqlite)
      .get(`SELECT 1 FROM models WHERE match_key = ? OR match_key LIKE ? ESCAPE '\\'`)
      .get(matchKey(n), `${matchKey(n).replace(/[%_\\]/g, '\\$&')}-step%`);
  if (!taken(wanted)) return wanted;
  for (let i = 2; ; i++) if (!taken(`${wanted}-${i}`)) return `${wanted}-${i}`;
}

function slug(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[^\w.-]+/g, '_')
      .replace(/^[_.-]+|[_.-]+$/g, '')
      .slice(0, 60) || 'lora'
  );
}

/**
 * Queues a run: the dataset is checked (errors stop it here, with each problem named), the base
 * model resolved to a file on this computer, the config built from the preset and what was set,
 * and the job queued on the GPU pool. The LoRA gets a name no other model has.
 */
export async function startTraining(
  core: Atelier,
  input: StartTrainingInput,
  caller: Caller,
): Promise<TrainingInfo> {
  const ds = findDataset(core, input.datasetId);
  const check = await checkDataset(core, ds.id);
  const errors = check.problems.filter((p) => p.severity === 'error');
  if (errors.length)
    throw new AppError(
      'invalid_input',
      `The dataset “${ds.name}” is not ready to train: ${errors.map((p) => p.message).join(' ')}`,
      { problems: check.problems },
    );
  if (!input.acceptWarnings && check.problems.length)
    throw new AppError(
      'invalid_input',
      `The dataset “${ds.name}” has ${check.problems.length} warning(s): ${check.problems.map((p) => p.message).join(' ')}`,
      { problems: check.problems },
    );
  const base = await resolveBaseModel(core, input.baseModel);
  const script = scriptFor(base.family, base.name);
  const captions = trainingItems(datasetItems(core, ds.id)).map((i) => i.caption);
  const {
    datasetId: _d,
    baseModel: _b,
    preset,
    name,
    acceptWarnings: _a,
    projectId,
    ...overrides
  } = input;
  const config = buildConfig(preset, script, base.family, overrides, {
    samplePrompts: defaultSamplePrompts(ds.trigger_token, captions),
  });
  const loraName = freeName(core, name ?? slug(ds.trigger_token));
  const perEpoch = Math.ceil((check.imageCount * ds.repeats) / config.batchSize);
  const id = uuidv7();
  const at = nowIso();
  statements(core.sqlite)
    .get(
      `INSERT INTO trainings (id, name, dataset_id, dataset_name, trigger_token, base_model_id, base_model_name, base_family,
         trainer, preset, config, total_steps, non_commercial, project_id, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'kohya', ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      loraName,
      ds.id,
      ds.name,
      ds.trigger_token,
      base.id,
      base.name,
      base.family,
      preset,
      JSON.stringify(config),
      config.steps ?? perEpoch * (config.epochs ?? 1),
      base.nonCommercial ? 1 : 0,
      projectId ?? ds.project_id,
      caller.userId,
      at,
      at,
    );
  try {
    const job = await enqueueJob(
      core,
      'train_lora',
      { trainingId: id, basePath: base.path },
      { createdBy: caller.userId },
    );
    setTrainingFields(core, id, { job_id: job.id });
  } catch (err) {
    statements(core.sqlite).get(`DELETE FROM trainings WHERE id = ?`).run(id);
    throw err;
  }
  core.events.emit('trainings.changed', { id });
  return getTrainingInfo(core, id);
}

/** Members change only their own runs; the owner and admins anyone's. */
export function mayChangeTraining(core: Atelier, caller: Caller, id: string): void {
  const t = trainingRow(core, id);
  if (caller.role === 'member' && t.created_by !== caller.userId)
    throw new AppError(
      'unauthorized',
      'This training run is someone else’s: only they or an admin may change it.',
    );
}

function jobOf(core: Atelier, id: string) {
  const t = trainingRow(core, id);
  const job = t.job_id ? getJobRow(core.sqlite, t.job_id) : undefined;
  if (!job)
    throw new AppError(
      'conflict',
      'This run has no job any more; start a new run from its dataset.',
    );
  return { t, job };
}

export function cancelTraining(core: Atelier, id: string): TrainingInfo {
  const { job } = jobOf(core, id);
  setTrainingFields(core, id, { paused: 0 });
  cancelJob(core, job.id);
  core.events.emit('trainings.changed', { id });
  return getTrainingInfo(core, id);
}

/** A queued run stops waiting; a running one stops now and keeps its last saved state. */
export function pauseTraining(core: Atelier, id: string): TrainingInfo {
  const { job } = jobOf(core, id);
  if (job.status !== 'queued' && job.status !== 'running')
    throw new AppError(
      'conflict',
      `Only a queued or running run can be paused; this one is ${job.status}.`,
    );
  setTrainingFields(core, id, { paused: 1 });
  cancelJob(core, job.id);
  core.events.emit('trainings.changed', { id });
  return getTrainingInfo(core, id);
}

/** Back into the queue; it continues from its last saved state, in the same work folder. */
export function resumeTraining(core: Atelier, id: string): TrainingInfo {
  const { job } = jobOf(core, id);
  if (job.status === 'completed') throw new AppError('conflict', 'This run has finished.');
  if (job.status === 'queued' || job.status === 'running') {
    setTrainingFields(core, id, { paused: 0 });
  } else {
    setTrainingFields(core, id, { paused: 0, error: null, finished_at: null });
    retryJob(core, job.id);
  }
  core.events.emit('trainings.changed', { id });
  return getTrainingInfo(core, id);
}

export function moveTraining(
  core: Atelier,
  id: string,
  direction: 'up' | 'down' | 'top' | 'bottom',
): TrainingInfo {
  const { job } = jobOf(core, id);
  moveJob(core, job.id, direction, { sameKind: true });
  core.events.emit('trainings.changed', { id });
  return getTrainingInfo(core, id);
}

/** The creator's pick among the run's saves: it carries the trigger token and leads in Generate. */
export function chooseTrainingLora(core: Atelier, id: string, modelId: string): TrainingInfo {
  const t = trainingRow(core, id);
  const m = statements(core.sqlite)
    .get(`SELECT id FROM models WHERE id = ? AND training_id = ?`)
    .get(modelId, id) as { id: string } | undefined;
  if (!m) throw new AppError('invalid_input', 'That LoRA was not saved by this run.');
  statements(core.sqlite)
    .get(
      `UPDATE models SET trigger_token = coalesce(trigger_token, ?), updated_at = ? WHERE id = ?`,
    )
    .run(t.trigger_token, nowIso(), modelId);
  statements(core.sqlite)
    .get(`UPDATE trainings SET chosen_model_id = ?, updated_at = ? WHERE id = ?`)
    .run(modelId, nowIso(), id);
  core.events.emit('trainings.changed', { id });
  core.events.emit('models.changed', {});
  return getTrainingInfo(core, id);
}

export function deleteTraining(core: Atelier, id: string): { deleted: true } {
  const t = trainingRow(core, id);
  const job = t.job_id ? getJobRow(core.sqlite, t.job_id) : undefined;
  if (job && (job.status === 'queued' || job.status === 'running'))
    throw new AppError('conflict', 'This run is queued or running: cancel it first.');
  statements(core.sqlite).get(`DELETE FROM trainings WHERE id = ?`).run(id);
  core.events.emit('trainings.changed', { id });
  return { deleted: true };
}
