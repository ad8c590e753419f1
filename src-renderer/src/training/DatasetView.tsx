import { useState } from 'react';
import type { CaptionSource, DatasetDetail } from '@contract/index';
import { Dialog } from '../generate/Dialog';
import { CaptionGrid } from './CaptionGrid';
import { CheckPanel } from './CheckPanel';
import { FindReplace } from './FindReplace';
import { plural } from './format';
import { SettingsPanel } from './SettingsPanel';
import { TagPanel } from './TagPanel';
import { TrainIcon } from './TrainIcon';
import { useTraining } from './trainingStore';

const sources: { id: CaptionSource; label: string; hint: string }[] = [
  {
    id: 'prompt',
    label: 'From each image’s prompt',
    hint: 'LoRA tags and weights taken out; its tags when it has no prompt.',
  },
  { id: 'tags', label: 'From each image’s tags', hint: 'The tags given in the Library.' },
  {
    id: 'trigger',
    label: 'The trigger token alone',
    hint: 'For a style learned from the pictures only.',
  },
];

function ResetDialog({ dataset, onClose }: { dataset: DatasetDetail; onClose: () => void }) {
  const [source, setSource] = useState<CaptionSource>('prompt');
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      title="Reset the captions"
      onClose={onClose}
      busy={busy}
      testId="reset-captions-dialog"
      width={460}
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="button primary"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              void useTraining.getState().resetCaptions(source).then(onClose);
            }}
            data-testid="reset-captions-confirm"
          >
            {busy ? 'Writing…' : `Reset ${plural(dataset.items.length, 'caption')}`}
          </button>
        </>
      }
    >
      <p>
        Every caption is written again, the trigger token “{dataset.triggerToken}” first. Edits made
        here are lost.
      </p>
      <fieldset className="trn-radios">
        <legend className="visually-hidden">Write the captions</legend>
        {sources.map((s) => (
          <label key={s.id} className="trn-radio">
            <input
              type="radio"
              name="caption-source"
              checked={source === s.id}
              onChange={() => setSource(s.id)}
            />
            <span>
              {s.label}
              <span className="trn-hint">{s.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
    </Dialog>
  );
}

/** One dataset: its images with their captions, find/replace, tags, check and settings. */
export function DatasetView() {
  const dataset = useTraining((s) => s.dataset);
  const error = useTraining((s) => s.datasetError);
  const [resetting, setResetting] = useState(false);
  const back = (
    <button
      type="button"
      className="button ghost trn-back"
      onClick={() => useTraining.getState().openDataset(null)}
      data-testid="dataset-back"
    >
      <TrainIcon name="back" size={15} /> All datasets
    </button>
  );
  if (error)
    return (
      <div className="stack">
        {back}
        <div className="trn-alert" role="alert">
          <TrainIcon name="warning" /> This dataset could not be loaded: {error}
        </div>
      </div>
    );
  if (!dataset)
    return (
      <div className="stack">
        {back}
        <p className="muted">Loading the dataset…</p>
      </div>
    );
  const left = dataset.excludedCount;
  return (
    <div className="trn-ds" data-testid="dataset-view" data-dataset-id={dataset.id}>
      <div className="trn-ds-head">
        {back}
        <div className="trn-ds-title">
          <h2 data-testid="dataset-title">{dataset.name}</h2>
          <span className="trn-token" title="Trigger token">
            {dataset.triggerToken}
          </span>
          <span className="muted trn-ds-count" data-testid="dataset-count">
            {plural(dataset.imageCount, 'image')} to train
            {left > 0 && ` · ${left.toLocaleString()} left out`} · {dataset.resolution} px ·{' '}
            {dataset.repeats}× repeats
          </span>
        </div>
        <div className="trn-ds-actions">
          <button
            type="button"
            className="button"
            onClick={() => setResetting(true)}
            data-testid="reset-captions"
          >
            <TrainIcon name="refresh" size={14} /> Reset captions…
          </button>
          <button
            type="button"
            className="button primary"
            onClick={() => useTraining.getState().openTrain(dataset.id)}
            data-testid="dataset-train"
          >
            <TrainIcon name="train" size={15} /> Train a LoRA…
          </button>
        </div>
      </div>
      <div className="trn-ds-layout">
        <div className="trn-ds-main">
          <FindReplace datasetId={dataset.id} version={dataset.updatedAt} />
          <CaptionGrid items={dataset.items} />
        </div>
        <aside className="trn-ds-side" aria-label="Check, tags and settings">
          <CheckPanel />
          <TagPanel />
          <SettingsPanel dataset={dataset} />
        </aside>
      </div>
      {resetting && <ResetDialog dataset={dataset} onClose={() => setResetting(false)} />}
    </div>
  );
}
