import { useEffect, useState } from 'react';
import type { DatasetDetail } from '@contract/index';
import { Dialog } from '../generate/Dialog';
import { toastInfo } from '../stores/toasts';
import { TrainIcon } from './TrainIcon';
import { useTraining } from './trainingStore';

interface Draft {
  name: string;
  triggerToken: string;
  classWord: string;
  repeats: string;
  resolution: string;
  bucketing: boolean;
  minImages: string;
}

const draftOf = (d: DatasetDetail): Draft => ({
  name: d.name,
  triggerToken: d.triggerToken,
  classWord: d.classWord,
  repeats: String(d.repeats),
  resolution: String(d.resolution),
  bucketing: d.bucketing,
  minImages: String(d.minImages),
});

export const resolutions = [512, 768, 1024];

/** Why a draft cannot be saved, in words (null: it can). */
export function tokenProblem(token: string): string | null {
  if (!token.trim()) return 'A trigger token is needed: the word your prompts will use.';
  if (/[\s,]/.test(token.trim())) return 'A trigger token is one word, with no spaces or commas.';
  return null;
}

function intIn(s: string, min: number, max: number): number | null {
  const n = Number(s);
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

/** The dataset's name, trigger token, class word, repeats, resolution, bucketing and minimum. */
export function SettingsPanel({ dataset }: { dataset: DatasetDetail }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(dataset));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState(false);
  // Saved elsewhere (a check's fix turns bucketing on): the fields follow. Captions changing
  // leave what is being typed here alone.
  const savedKey = JSON.stringify(draftOf(dataset));
  useEffect(() => setDraft(JSON.parse(savedKey) as Draft), [savedKey]);
  const set = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setError(null);
  };
  const base = draftOf(dataset);
  const dirty = (Object.keys(base) as (keyof Draft)[]).some((k) => base[k] !== draft[k]);
  const repeats = intIn(draft.repeats, 1, 1000);
  const resolution = intIn(draft.resolution, 64, 4096);
  const minImages = intIn(draft.minImages, 1, 10_000);
  const problem =
    (!draft.name.trim() && 'A dataset needs a name.') ||
    tokenProblem(draft.triggerToken) ||
    (repeats === null && 'Repeats: a whole number from 1 to 1000.') ||
    (resolution === null && 'Resolution: a whole number of pixels from 64 to 4096.') ||
    (minImages === null && 'Minimum images: a whole number from 1.') ||
    null;
  const save = async () => {
    if (problem) return setError(problem);
    setBusy(true);
    const patch = {
      ...(draft.name.trim() !== dataset.name ? { name: draft.name.trim() } : {}),
      ...(draft.triggerToken.trim() !== dataset.triggerToken
        ? { triggerToken: draft.triggerToken.trim() }
        : {}),
      ...(draft.classWord.trim() !== dataset.classWord
        ? { classWord: draft.classWord.trim() }
        : {}),
      ...(repeats !== dataset.repeats ? { repeats: repeats! } : {}),
      ...(resolution !== dataset.resolution ? { resolution: resolution! } : {}),
      ...(draft.bucketing !== dataset.bucketing ? { bucketing: draft.bucketing } : {}),
      ...(minImages !== dataset.minImages ? { minImages: minImages! } : {}),
    };
    const err = await useTraining.getState().updateDataset(patch);
    setBusy(false);
    setError(err);
    if (!err) toastInfo('Dataset saved');
  };
  return (
    <section
      className="trn-side-card"
      aria-labelledby="trn-settings-title"
      data-testid="dataset-settings"
    >
      <header className="trn-side-head">
        <h3 id="trn-settings-title">Settings</h3>
      </header>
      <form
        className="trn-settings"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="trn-field wide">
          <span>Name</span>
          <input
            value={draft.name}
            onChange={(e) => set({ name: e.target.value })}
            data-testid="ds-name"
          />
        </label>
        <label className="trn-field">
          <span>Trigger token</span>
          <input
            value={draft.triggerToken}
            onChange={(e) => set({ triggerToken: e.target.value })}
            className="mono-input"
            data-testid="ds-trigger"
          />
        </label>
        <label className="trn-field">
          <span>Class word</span>
          <input
            value={draft.classWord}
            placeholder="woman, bottle, style…"
            onChange={(e) => set({ classWord: e.target.value })}
            data-testid="ds-class"
          />
        </label>
        <label className="trn-field">
          <span>Repeats</span>
          <input
            type="number"
            min={1}
            max={1000}
            value={draft.repeats}
            onChange={(e) => set({ repeats: e.target.value })}
            data-testid="ds-repeats"
          />
        </label>
        <label className="trn-field">
          <span>Resolution</span>
          <input
            type="number"
            min={64}
            max={4096}
            step={64}
            list="trn-resolutions"
            value={draft.resolution}
            onChange={(e) => set({ resolution: e.target.value })}
            data-testid="ds-resolution"
          />
        </label>
        <label className="trn-field">
          <span>Minimum images</span>
          <input
            type="number"
            min={1}
            value={draft.minImages}
            onChange={(e) => set({ minImages: e.target.value })}
            data-testid="ds-min-images"
          />
        </label>
        <label className="trn-check trn-field-check">
          <input
            type="checkbox"
            checked={draft.bucketing}
            onChange={(e) => set({ bucketing: e.target.checked })}
            data-testid="ds-bucketing"
          />
          Bucketing <span className="muted">(keeps each image’s aspect ratio)</span>
        </label>
        <datalist id="trn-resolutions">
          {resolutions.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        {draft.triggerToken.trim() !== dataset.triggerToken &&
          !tokenProblem(draft.triggerToken) && (
            <p className="trn-hint">
              Every caption that starts with “{dataset.triggerToken}” follows.
            </p>
          )}
        {error && (
          <p className="trn-bad-text" role="alert" data-testid="ds-settings-error">
            {error}
          </p>
        )}
        <div className="trn-settings-actions">
          <button
            type="button"
            className="button ghost small trn-danger-text"
            onClick={() => setDeleting(true)}
            data-testid="ds-delete"
          >
            <TrainIcon name="trash" size={13} /> Delete dataset
          </button>
          <span className="grow" />
          {dirty && (
            <button type="button" className="button small" onClick={() => setDraft(base)}>
              Undo
            </button>
          )}
          <button
            type="submit"
            className="button primary small"
            disabled={!dirty || busy}
            data-testid="ds-save"
          >
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
      {deleting && (
        <Dialog
          title={`Delete “${dataset.name}”?`}
          onClose={() => setDeleting(false)}
          testId="ds-delete-dialog"
          footer={
            <>
              <button type="button" className="button" onClick={() => setDeleting(false)}>
                Keep it
              </button>
              <button
                type="button"
                className="button danger"
                data-autofocus
                onClick={() =>
                  void useTraining
                    .getState()
                    .deleteDataset()
                    .then(() => setDeleting(false))
                }
                data-testid="ds-delete-confirm"
              >
                Delete dataset
              </button>
            </>
          }
        >
          <p>
            Its captions go with it. The images stay in the Library, and LoRAs trained from it stay
            in Models.
          </p>
        </Dialog>
      )}
    </section>
  );
}
