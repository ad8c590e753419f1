import { useEffect, useMemo, useState } from 'react';
import type {
  DatasetCheck,
  DatasetDetail,
  DatasetProblem,
  EngineInfo,
  MethodInput,
  ModelInfo,
  TrainingConfig,
  TrainingPresetName,
} from '@contract/index';
import { api, ApiCallError } from '../api/client';
import { Dialog } from '../generate/Dialog';
import { familyName, modelRef } from '../models/labels';
import { useNav } from '../stores/navigation';
import { ProblemRow } from './CheckPanel';
import { defaultSamplePrompts, loraNameFrom, plural } from './format';
import { TrainIcon } from './TrainIcon';
import { useTraining } from './trainingStore';

const baseKey = 'atelier.training.base';
const optimizers = ['AdamW', 'AdamW8bit', 'Lion', 'Prodigy', 'Adafactor', 'DAdaptAdam'];

interface Advanced {
  lengthUnit: 'steps' | 'epochs';
  length: string;
  networkDim: string;
  networkAlpha: string;
  learningRate: string;
  optimizer: string;
  precision: '' | TrainingConfig['precision'];
  saveEvery: string;
  saveEveryUnit: 'steps' | 'epochs';
  sampleEvery: string;
  samplePrompts: string;
  seed: string;
}

const blank: Advanced = {
  lengthUnit: 'steps',
  length: '',
  networkDim: '',
  networkAlpha: '',
  learningRate: '',
  optimizer: '',
  precision: '',
  saveEvery: '',
  saveEveryUnit: 'steps',
  sampleEvery: '',
  samplePrompts: '',
  seed: '',
};

const problemsOf = (err: unknown): DatasetProblem[] | null => {
  if (!(err instanceof ApiCallError)) return null;
  const d = err.error.details as { problems?: DatasetProblem[] } | undefined;
  return Array.isArray(d?.problems) ? d.problems : null;
};

/** A checkpoint training can use: its file is on this computer. */
const isLocal = (m: ModelInfo) => m.files.some((f) => f.location === 'local' && !f.problem);

/** A number field's value, or why it is wrong. */
function num(
  label: string,
  s: string,
  opts: { min: number; max: number; int?: boolean },
): number | undefined | string {
  if (!s.trim()) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || n < opts.min || n > opts.max || (opts.int && !Number.isInteger(n)))
    return `${label}: ${opts.int ? 'a whole number' : 'a number'} from ${opts.min} to ${opts.max}.`;
  return n;
}

/**
 * Train a LoRA on a dataset: a base checkpoint, a preset, and what the creator wants to change of
 * it. The dataset's check runs first; its errors are shown here instead of a failing start.
 */
export function TrainDialog({ datasetId: initial }: { datasetId: string }) {
  const datasets = useTraining((s) => s.datasets);
  const presets = useTraining((s) => s.presets);
  const openDataset = useTraining((s) => s.dataset);
  const storeCheck = useTraining((s) => s.check);
  const [datasetId, setDatasetId] = useState(initial || datasets?.[0]?.id || '');
  const [detail, setDetail] = useState<DatasetDetail | null>(null);
  const [ownCheck, setOwnCheck] = useState<DatasetCheck | null>(null);
  const [checkpoints, setCheckpoints] = useState<ModelInfo[] | null>(null);
  const [kohya, setKohya] = useState<EngineInfo | null>(null);
  const [base, setBase] = useState(() => localStorage.getItem(baseKey) ?? '');
  const [preset, setPreset] = useState<TrainingPresetName>('quick');
  const [name, setName] = useState('');
  const [adv, setAdv] = useState<Advanced>(blank);
  const [showAdvanced, setShowAdvanced] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [startProblems, setStartProblems] = useState<DatasetProblem[] | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => useTraining.getState().openTrain(undefined);

  const isOpen = openDataset?.id === datasetId;
  const dataset = isOpen ? openDataset : detail;
  const check = isOpen ? storeCheck : ownCheck;

  useEffect(() => {
    let live = true;
    void api
      .call('models.list', { kind: 'checkpoint', available: true, limit: 5000 })
      .then((list) => {
        if (!live) return;
        const sorted = [...list].sort(
          (a, b) => Number(isLocal(b)) - Number(isLocal(a)) || a.name.localeCompare(b.name),
        );
        setCheckpoints(sorted);
        setBase((b) =>
          sorted.some((m) => modelRef(m) === b && isLocal(m))
            ? b
            : sorted.find(isLocal)
              ? modelRef(sorted.find(isLocal)!)
              : '',
        );
      })
      .catch((err: unknown) => live && setError(`Models could not be listed: ${String(err)}`));
    void api
      .call('engines.status', { refresh: false })
      .then((s) => live && setKohya(s.engines.find((e) => e.id === 'kohya') ?? null))
      .catch(() => undefined);
    if (!useTraining.getState().datasets) void useTraining.getState().loadDatasets();
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    setStartProblems(null);
    if (!datasetId || useTraining.getState().dataset?.id === datasetId) return;
    let live = true;
    setDetail(null);
    setOwnCheck(null);
    void Promise.all([
      api.call('datasets.get', { id: datasetId }),
      api.call('datasets.check', { id: datasetId }),
    ]).then(
      ([d, c]) => {
        if (!live) return;
        setDetail(d);
        setOwnCheck(c);
      },
      (err: unknown) => live && setError(String(err)),
    );
    return () => {
      live = false;
    };
  }, [datasetId]);

  const p = presets?.find((x) => x.name === preset) ?? null;
  const model = checkpoints?.find((m) => modelRef(m) === base) ?? null;
  const prompts = useMemo(
    () => (dataset ? defaultSamplePrompts(dataset.triggerToken, dataset.items) : []),
    [dataset],
  );
  const set = (patch: Partial<Advanced>) => {
    setAdv({ ...adv, ...patch });
    setError(null);
  };
  // The preset's length unit, until the creator picks one.
  const presetUnit: 'steps' | 'epochs' = p?.config.epochs ? 'epochs' : 'steps';
  useEffect(() => {
    setAdv((a) => (a.length ? a : { ...a, lengthUnit: presetUnit, saveEveryUnit: presetUnit }));
  }, [presetUnit]);
  const presetLength = adv.lengthUnit === 'steps' ? p?.config.steps : p?.config.epochs;
  const presetSave =
    p?.config.saveEveryUnit === adv.saveEveryUnit ? p?.config.saveEvery : undefined;
  const presetSample =
    p?.config.saveEveryUnit === adv.saveEveryUnit ? p?.config.sampleEvery : undefined;

  const errors = check?.problems.filter((x) => x.severity === 'error') ?? [];
  const warnings = (check?.problems.length ?? 0) - errors.length;
  const blocked = errors.length > 0;
  const steps =
    adv.lengthUnit === 'epochs' && dataset
      ? (Number(adv.length) || p?.config.epochs || 1) * dataset.imageCount * dataset.repeats
      : null;

  const build = (): MethodInput<'trainings.start'> | string => {
    if (!datasetId) return 'Pick a dataset.';
    if (!model) return 'Pick a base model.';
    if (name.trim() && !/^[\w.-]+$/.test(name.trim()))
      return 'A LoRA name uses letters, digits, dots, dashes and underscores.';
    const fields = {
      length: num(adv.lengthUnit === 'steps' ? 'Steps' : 'Epochs', adv.length, {
        min: 1,
        max: adv.lengthUnit === 'steps' ? 1_000_000 : 10_000,
        int: true,
      }),
      networkDim: num('Network dim', adv.networkDim, { min: 1, max: 1024, int: true }),
      networkAlpha: num('Network alpha', adv.networkAlpha, { min: 0.01, max: 1024 }),
      learningRate: num('Learning rate', adv.learningRate, { min: 1e-8, max: 1 }),
      saveEvery: num('Save every', adv.saveEvery, { min: 1, max: 1_000_000, int: true }),
      sampleEvery: num('Samples every', adv.sampleEvery, { min: 0, max: 1_000_000, int: true }),
      seed: num('Seed', adv.seed, { min: 0, max: 2 ** 31 - 1, int: true }),
    };
    const bad = Object.values(fields).find((v) => typeof v === 'string');
    if (typeof bad === 'string') return bad;
    const n = fields as Record<keyof typeof fields, number | undefined>;
    const lines = adv.samplePrompts
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length > 16) return 'At most 16 sample prompts.';
    return {
      datasetId,
      baseModel: base,
      preset,
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(n.length !== undefined
        ? adv.lengthUnit === 'steps'
          ? { steps: n.length }
          : { epochs: n.length }
        : {}),
      ...(n.networkDim !== undefined ? { networkDim: n.networkDim } : {}),
      ...(n.networkAlpha !== undefined ? { networkAlpha: n.networkAlpha } : {}),
      ...(n.learningRate !== undefined ? { learningRate: n.learningRate } : {}),
      ...(adv.optimizer ? { optimizer: adv.optimizer } : {}),
      ...(adv.precision ? { precision: adv.precision } : {}),
      ...(n.saveEvery !== undefined ? { saveEvery: n.saveEvery } : {}),
      saveEveryUnit: adv.saveEveryUnit,
      ...(n.sampleEvery !== undefined ? { sampleEvery: n.sampleEvery } : {}),
      ...(lines.length ? { samplePrompts: lines } : {}),
      ...(n.seed !== undefined ? { seed: n.seed } : {}),
    };
  };

  const start = async () => {
    const input = build();
    if (typeof input === 'string') return setError(input);
    setBusy(true);
    setError(null);
    setStartProblems(null);
    try {
      const run = await api.call('trainings.start', input);
      localStorage.setItem(baseKey, base);
      useTraining.getState().started(run);
    } catch (err) {
      setStartProblems(problemsOf(err));
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  const shownProblems = startProblems ?? (blocked ? errors : null);
  return (
    <Dialog
      title="Train a LoRA"
      onClose={close}
      busy={busy}
      width={640}
      testId="train-dialog"
      footer={
        <>
          {blocked && (
            <span className="trn-foot-note" data-testid="train-blocked">
              Fix the dataset first.
            </span>
          )}
          <button type="button" className="button" onClick={close} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            form="trn-train-form"
            className="button primary"
            disabled={busy || blocked || !check || !model}
            data-testid="train-start"
          >
            <TrainIcon name="play" size={14} /> {busy ? 'Queuing…' : 'Start training'}
          </button>
        </>
      }
    >
      <form
        id="trn-train-form"
        className="trn-dlg-form"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        {kohya && !kohya.ok && (
          <div className="trn-alert warn" data-testid="train-kohya-missing">
            <TrainIcon name="warning" />
            <div className="grow">
              {kohya.problem}{' '}
              <button
                type="button"
                className="trn-link"
                onClick={() => {
                  close();
                  useNav.getState().go('settings');
                }}
              >
                Open Settings
              </button>
            </div>
          </div>
        )}
        <div className="trn-dlg-row">
          <div className="dlg-field">
            <label htmlFor="trn-tr-dataset">Dataset</label>
            <select
              id="trn-tr-dataset"
              value={datasetId}
              onChange={(e) => setDatasetId(e.target.value)}
              data-testid="train-dataset"
            >
              {!datasetId && <option value="">Pick a dataset</option>}
              {datasets?.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({plural(d.imageCount, 'image')})
                </option>
              ))}
            </select>
          </div>
          <div className="dlg-field">
            <label htmlFor="trn-tr-base">Base model</label>
            <select
              id="trn-tr-base"
              value={base}
              onChange={(e) => setBase(e.target.value)}
              data-testid="train-base"
              data-autofocus
            >
              {checkpoints === null && <option value="">Loading…</option>}
              {checkpoints?.length === 0 && <option value="">No checkpoint found</option>}
              {checkpoints?.map((m) => (
                <option key={modelRef(m)} value={modelRef(m)} disabled={!isLocal(m)}>
                  {m.name} · {familyName(m.family)}
                  {m.nonCommercial ? ' · non-commercial' : ''}
                  {isLocal(m) ? '' : ' · on a server only'}
                </option>
              ))}
            </select>
          </div>
        </div>
        {checkpoints?.length === 0 && (
          <p className="dlg-hint">
            Training needs a checkpoint file on this computer: put one in a model folder and scan on
            the Models page.
          </p>
        )}
        {model?.nonCommercial && (
          <p className="trn-nc-note" data-testid="train-nc-note">
            <span className="trn-nc">Non-commercial</span> {model.name} is marked non-commercial:
            the LoRAs of this run will be too, and packs for sale will refuse their images.
          </p>
        )}

        <fieldset className="dlg-field">
          <legend className="dlg-label">Preset</legend>
          <div className="trn-presets" role="radiogroup" aria-label="Preset">
            {(presets ?? []).map((x) => (
              <label
                key={x.name}
                className={`trn-preset${preset === x.name ? ' on' : ''}`}
                data-testid="train-preset"
                data-preset={x.name}
              >
                <input
                  type="radio"
                  name="preset"
                  checked={preset === x.name}
                  onChange={() => setPreset(x.name)}
                />
                <span className="trn-preset-label">{x.label}</span>
                <span className="trn-preset-desc">{x.description}</span>
              </label>
            ))}
          </div>
        </fieldset>

        <div className="dlg-field">
          <label htmlFor="trn-tr-name">LoRA name</label>
          <input
            id="trn-tr-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={dataset ? loraNameFrom(dataset.triggerToken) : ''}
            spellCheck={false}
            data-testid="train-name"
          />
        </div>

        <button
          type="button"
          className="trn-disclose"
          aria-expanded={showAdvanced}
          aria-controls="trn-advanced"
          onClick={() => setShowAdvanced(!showAdvanced)}
          data-testid="train-advanced-toggle"
        >
          <TrainIcon name={showAdvanced ? 'chevronDown' : 'chevronRight'} size={14} />
          Advanced <span className="muted">(blank fields take the preset’s value)</span>
        </button>
        {showAdvanced && (
          <div id="trn-advanced" className="trn-advanced" data-testid="train-advanced">
            <div className="dlg-field">
              <label htmlFor="trn-tr-length">Length</label>
              <div className="trn-pair">
                <input
                  id="trn-tr-length"
                  type="number"
                  min={1}
                  value={adv.length}
                  placeholder={presetLength ? String(presetLength) : ''}
                  onChange={(e) => set({ length: e.target.value })}
                  data-testid="train-length"
                />
                <select
                  aria-label="Length in"
                  value={adv.lengthUnit}
                  onChange={(e) => {
                    const u = e.target.value as 'steps' | 'epochs';
                    set({ lengthUnit: u, saveEveryUnit: u });
                  }}
                  data-testid="train-length-unit"
                >
                  <option value="steps">steps</option>
                  <option value="epochs">epochs</option>
                </select>
              </div>
              {steps !== null && <span className="dlg-hint">≈ {plural(steps, 'step')}</span>}
            </div>
            <div className="dlg-field">
              <label htmlFor="trn-tr-save">Save every</label>
              <div className="trn-pair">
                <input
                  id="trn-tr-save"
                  type="number"
                  min={1}
                  value={adv.saveEvery}
                  placeholder={presetSave ? String(presetSave) : ''}
                  onChange={(e) => set({ saveEvery: e.target.value })}
                  data-testid="train-save-every"
                />
                <select
                  aria-label="Save every unit"
                  value={adv.saveEveryUnit}
                  onChange={(e) => set({ saveEveryUnit: e.target.value as 'steps' | 'epochs' })}
                  data-testid="train-save-unit"
                >
                  <option value="steps">steps</option>
                  <option value="epochs">epochs</option>
                </select>
              </div>
            </div>
            <div className="dlg-field">
              <label htmlFor="trn-tr-sample">Samples every</label>
              <input
                id="trn-tr-sample"
                type="number"
                min={0}
                value={adv.sampleEvery}
                placeholder={presetSample !== undefined ? String(presetSample) : ''}
                onChange={(e) => set({ sampleEvery: e.target.value })}
                data-testid="train-sample-every"
              />
              <span className="dlg-hint">{adv.saveEveryUnit}; 0 for none</span>
            </div>
            <div className="dlg-field">
              <label htmlFor="trn-tr-dim">Network dim</label>
              <input
                id="trn-tr-dim"
                type="number"
                min={1}
                value={adv.networkDim}
                placeholder={String(p?.config.networkDim ?? 16)}
                onChange={(e) => set({ networkDim: e.target.value })}
                data-testid="train-dim"
              />
            </div>
            <div className="dlg-field">
              <label htmlFor="trn-tr-alpha">Network alpha</label>
              <input
                id="trn-tr-alpha"
                type="number"
                min={0.01}
                step="any"
                value={adv.networkAlpha}
                placeholder={String(p?.config.networkAlpha ?? 8)}
                onChange={(e) => set({ networkAlpha: e.target.value })}
                data-testid="train-alpha"
              />
            </div>
            <div className="dlg-field">
              <label htmlFor="trn-tr-seed">Seed</label>
              <input
                id="trn-tr-seed"
                type="number"
                min={0}
                value={adv.seed}
                placeholder="42"
                onChange={(e) => set({ seed: e.target.value })}
                data-testid="train-seed"
              />
            </div>
            <div className="dlg-field">
              <label htmlFor="trn-tr-lr">Learning rate</label>
              <input
                id="trn-tr-lr"
                inputMode="decimal"
                value={adv.learningRate}
                placeholder={String(p?.config.learningRate ?? 1e-4)}
                onChange={(e) => set({ learningRate: e.target.value })}
                data-testid="train-lr"
              />
            </div>
            <div className="dlg-field">
              <label htmlFor="trn-tr-opt">Optimizer</label>
              <select
                id="trn-tr-opt"
                value={adv.optimizer}
                onChange={(e) => set({ optimizer: e.target.value })}
                data-testid="train-optimizer"
              >
                <option value="">AdamW (default)</option>
                {optimizers.slice(1).map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            </div>
            <div className="dlg-field">
              <label htmlFor="trn-tr-precision">Precision</label>
              <select
                id="trn-tr-precision"
                value={adv.precision}
                onChange={(e) => set({ precision: e.target.value as Advanced['precision'] })}
                data-testid="train-precision"
              >
                <option value="">
                  Automatic (
                  {model?.family === 'sdxl' || model?.family === 'flux' ? 'bf16' : 'fp16'})
                </option>
                <option value="fp16">fp16</option>
                <option value="bf16">bf16</option>
                <option value="no">Full (fp32)</option>
              </select>
            </div>
            <div className="dlg-field trn-span">
              <label htmlFor="trn-tr-prompts">Sample prompts</label>
              <textarea
                id="trn-tr-prompts"
                rows={3}
                value={adv.samplePrompts}
                placeholder={prompts.join('\n')}
                onChange={(e) => set({ samplePrompts: e.target.value })}
                spellCheck={false}
                data-testid="train-prompts"
              />
              <span className="dlg-hint">
                One a line. Left empty: the trigger token alone and two of the dataset’s captions,
                as shown.
              </span>
            </div>
          </div>
        )}

        {!check && datasetId && <p className="dlg-hint">Checking the dataset…</p>}
        {check && !blocked && !startProblems && (
          <p className={`trn-check-summary ${warnings ? 'warn' : 'ok'}`} data-testid="train-check">
            <TrainIcon name={warnings ? 'warning' : 'check'} size={15} />
            {warnings
              ? `The dataset is ready, with ${plural(warnings, 'warning')} (see its Check).`
              : `The dataset is ready: ${plural(check.imageCount, 'image')}.`}
          </p>
        )}
        {shownProblems && shownProblems.length > 0 && (
          <div className="trn-train-problems" role="alert" data-testid="train-problems">
            <strong>The dataset is not ready to train:</strong>
            <ul className="trn-problems">
              {shownProblems
                .filter((x) => x.severity === 'error')
                .map((x, i) => (
                  <ProblemRow key={`${x.code}-${i}`} p={x} fixes={isOpen} />
                ))}
            </ul>
          </div>
        )}
        {error && !startProblems && (
          <p className="dlg-error" role="alert" data-testid="train-error">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
