import { AppError } from '../../../contract/errors';
import type { JobStatusName } from '../../../contract/jobs';
import type {
  TrainingConfig,
  TrainingDetail,
  TrainingInfo,
  TrainingLora,
  TrainingPresetName,
  TrainingSampleStep,
  TrainingStatus,
} from '../../../contract/training';
import type { Atelier } from '../../app/atelier';
import { statements } from '../../db/statements';
import { summaryOf } from '../../jobs/jobStore';
import { nowIso } from '../../util/ids';

export interface TrainingRow {
  id: string;
  name: string;
  dataset_id: string | null;
  dataset_name: string;
  trigger_token: string;
  base_model_id: string | null;
  base_model_name: string;
  base_family: string | null;
  trainer: string;
  preset: string | null;
  config: string;
  job_id: string | null;
  paused: number;
  step: number;
  total_steps: number | null;
  last_loss: number | null;
  eta_sec: number | null;
  error: string | null;
  non_commercial: number;
  chosen_model_id: string | null;
  project_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

type Row = TrainingRow & {
  job_status: JobStatusName | null;
  job_error: string | null;
  lora_count: number;
  sample_count: number;
};

const select = `SELECT t.*, j.status job_status, j.error job_error,
    (SELECT count(*) FROM models m WHERE m.training_id = t.id) lora_count,
    (SELECT count(*) FROM asset_links l JOIN assets a ON a.id = l.asset_id
      WHERE l.source_kind = 'training' AND l.source_id = t.id AND a.deleted_at IS NULL) sample_count
  FROM trainings t LEFT JOIN jobs j ON j.id = t.job_id`;

/** The run's state: its job's, except that a run the creator paused says so. */
function statusOf(r: Row): TrainingStatus {
  if (r.paused && r.job_status !== 'completed') return 'paused';
  return r.job_status ?? 'failed';
}

function toInfo(r: Row): TrainingInfo {
  const status = statusOf(r);
  return {
    id: r.id,
    name: r.name,
    datasetId: r.dataset_id ?? '',
    datasetName: r.dataset_name,
    triggerToken: r.trigger_token,
    baseModel: { id: r.base_model_id ?? '', name: r.base_model_name, family: r.base_family },
    config: JSON.parse(r.config) as TrainingConfig,
    preset: (r.preset as TrainingPresetName | null) ?? null,
    status,
    jobId: r.job_id,
    step: r.step,
    totalSteps: r.total_steps,
    lastLoss: r.last_loss,
    etaSec: status === 'running' ? r.eta_sec : null,
    error: status === 'failed' ? (r.error ?? r.job_error) : null,
    nonCommercial: !!r.non_commercial,
    chosenModelId: r.chosen_model_id,
    loraCount: r.lora_count,
    sampleCount: r.sample_count,
    projectId: r.project_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

export function trainingRow(core: Atelier, id: string): TrainingRow {
  const row = statements(core.sqlite).get(`SELECT * FROM trainings WHERE id = ?`).get(id) as
    | TrainingRow
    | undefined;
  if (!row) throw new AppError('not_found', 'That training run does not exist.');
  return row;
}

/** A run by id, or by its LoRA name (the newest run of that name): how the CLI names them. */
export function findTraining(core: Atelier, ref: string): TrainingRow {
  const row = statements(core.sqlite)
    .get(`SELECT * FROM trainings WHERE id = ? OR name = ? ORDER BY created_at DESC LIMIT 1`)
    .get(ref, ref) as TrainingRow | undefined;
  if (!row) throw new AppError('not_found', `No training run is called “${ref}”.`);
  return row;
}

export function getTrainingInfo(core: Atelier, id: string): TrainingInfo {
  const r = statements(core.sqlite).get(`${select} WHERE t.id = ?`).get(id) as Row | undefined;
  if (!r) throw new AppError('not_found', 'That training run does not exist.');
  return toInfo(r);
}

export function listTrainings(
  core: Atelier,
  input: { status?: TrainingStatus[]; datasetId?: string },
): TrainingInfo[] {
  const rows = statements(core.sqlite).all(
    `${select} WHERE (? IS NULL OR t.dataset_id = ?) ORDER BY t.created_at DESC, t.id DESC LIMIT 500`,
    [input.datasetId ?? null, input.datasetId ?? null],
  ) as Row[];
  const all = rows.map(toInfo);
  return input.status ? all.filter((t) => input.status!.includes(t.status)) : all;
}

export function getTraining(core: Atelier, id: string): TrainingDetail {
  const info = getTrainingInfo(core, id);
  const q = statements(core.sqlite);
  const loras = (
    q.all(
      `SELECT m.id, m.name, m.path, m.training_step, m.training_epoch, m.size_bytes FROM models m
        WHERE m.training_id = ? ORDER BY m.training_step IS NULL AND m.training_epoch IS NULL,
              coalesce(m.training_step, m.training_epoch)`,
      [id],
    ) as {
      id: string;
      name: string;
      path: string | null;
      training_step: number | null;
      training_epoch: number | null;
      size_bytes: number | null;
    }[]
  ).map(
    (m): TrainingLora => ({
      modelId: m.id,
      name: m.name,
      path: m.path ?? '',
      step: m.training_step,
      epoch: m.training_epoch,
      final: m.training_step === null && m.training_epoch === null,
      sizeBytes: m.size_bytes,
    }),
  );
  const samples = q.all(
    `SELECT l.asset_id, json_extract(l.details, '$.step') step, json_extract(l.details, '$.prompt') prompt
       FROM asset_links l JOIN assets a ON a.id = l.asset_id
      WHERE l.source_kind = 'training' AND l.source_id = ? AND a.deleted_at IS NULL
      ORDER BY step, prompt`,
    [id],
  ) as { asset_id: string; step: number; prompt: number }[];
  const byStep = new Map<number, TrainingSampleStep>();
  for (const s of samples) {
    const e = byStep.get(s.step) ?? { step: s.step, assetIds: [], modelId: null };
    e.assetIds.push(s.asset_id);
    byStep.set(s.step, e);
  }
  // A save and the samples of the same step belong together in the strip.
  for (const l of loras) {
    const step = l.step ?? (l.final ? info.step : null);
    if (step !== null && byStep.has(step) && !byStep.get(step)!.modelId)
      byStep.get(step)!.modelId = l.modelId;
  }
  const loss = q.all(`SELECT step, loss FROM training_points WHERE training_id = ? ORDER BY step`, [
    id,
  ]) as { step: number; loss: number }[];
  return {
    ...info,
    loras,
    samples: [...byStep.values()].sort((a, b) => a.step - b.step),
    loss,
    job: info.jobId ? summaryOf(core.sqlite, info.jobId) : null,
  };
}

export function setTrainingFields(
  core: Atelier,
  id: string,
  f: Partial<
    Pick<
      TrainingRow,
      | 'step'
      | 'total_steps'
      | 'last_loss'
      | 'eta_sec'
      | 'error'
      | 'paused'
      | 'finished_at'
      | 'job_id'
    >
  >,
): void {
  const keys = Object.keys(f) as (keyof typeof f)[];
  if (!keys.length) return;
  statements(core.sqlite)
    .get(
      `UPDATE trainings SET ${keys.map((k) => `${k} = ?`).join(', ')}, updated_at = ? WHERE id = ?`,
    )
    .run(...keys.map((k) => f[k] ?? null), nowIso(), id);
}

export function recordLoss(core: Atelier, id: string, step: number, loss: number): void {
  statements(core.sqlite)
    .get(`INSERT OR REPLACE INTO training_points (training_id, step, loss) VALUES (?, ?, ?)`)
    .run(id, step, loss);
}
