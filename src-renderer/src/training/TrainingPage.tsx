/**
 * Training: LoRAs trained on the creator's own approved work. Datasets (images with captions,
 * find/replace, tag frequency, a check before any run) and runs (a queue on the GPU, live loss,
 * samples per step, the chosen LoRA one click from Generate).
 *
 * Test hooks (data-testid):
 *   page      training-page · training-tab (data-tab="datasets" | "runs") · training-new-dataset
 *             training-new-run
 *   datasets  datasets-list · dataset-card (data-dataset-id) · dataset-card-count · datasets-empty
 *   dataset   dataset-view (data-dataset-id) · dataset-back · dataset-title · dataset-count
 *             dataset-train · reset-captions → reset-captions-dialog (reset-captions-confirm)
 *             caption-grid · caption-item (data-asset-id, data-excluded, data-lit) · caption-text
 *             caption-exclude · find-replace · find-input · replace-input · find-whole-tag
 *             find-preview · replace-all · tag-panel · tag-chip (data-tag) · check-panel
 *             check-run · check-summary · check-problem (data-code, data-severity) · check-fix
 *             dataset-settings · ds-name · ds-trigger · ds-class · ds-repeats · ds-resolution
 *             ds-min-images · ds-bucketing · ds-save · ds-settings-error · ds-delete
 *             → ds-delete-dialog (ds-delete-confirm)
 *   create    new-dataset-dialog · new-dataset-source · new-dataset-collection · new-dataset-tag
 *             new-dataset-name · new-dataset-trigger · new-dataset-class · new-dataset-repeats
 *             new-dataset-resolution · new-dataset-approved-only · new-dataset-create
 *             new-dataset-error
 *   train     train-dialog · train-dataset · train-base · train-preset (data-preset)
 *             train-name · train-advanced-toggle · train-advanced · train-length
 *             train-length-unit · train-save-every · train-save-unit · train-sample-every
 *             train-seed · train-dim · train-alpha · train-lr · train-optimizer · train-precision
 *             train-prompts · train-check · train-problems · train-blocked · train-error
 *             train-kohya-missing · train-nc-note · train-start
 *   runs      runs-list · runs-empty · run-row (data-run-id, data-status) · run-status
 *             run-facts · run-noncommercial · run-up · run-down · run-pause · run-resume
 *             run-cancel · run-delete
 *   run       run-detail (data-run-id, data-status) · run-progress · run-error · loss-chart
 *             (data-points) · samples · sample-step (data-step) · sample-thumb · sample-dialog
 *             run-loras · run-lora (data-model-id) · lora-choose · lora-chosen · lora-generate
 */
import { useEffect } from 'react';
import { PageHeader } from '../components/PageHeader';
import { DatasetList } from './DatasetList';
import { DatasetView } from './DatasetView';
import { finished } from './format';
import { NewDatasetDialog } from './NewDatasetDialog';
import { RunsTab } from './RunsTab';
import { TrainDialog } from './TrainDialog';
import { TrainIcon } from './TrainIcon';
import { useTraining, watchTraining, type TrainingTab } from './trainingStore';
import './training.css';

function Tabs() {
  const tab = useTraining((s) => s.tab);
  const datasets = useTraining((s) => s.datasets?.length);
  const active = useTraining((s) => s.runs?.filter((r) => !finished(r.status)).length ?? 0);
  const runs = useTraining((s) => s.runs?.length);
  const tabs: { id: TrainingTab; label: string; count: string | null }[] = [
    { id: 'datasets', label: 'Datasets', count: datasets ? String(datasets) : null },
    {
      id: 'runs',
      label: 'Runs',
      count: active ? `${active} active` : runs ? String(runs) : null,
    },
  ];
  return (
    <div className="trn-tabs" role="tablist" aria-label="Datasets and runs">
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`trn-tab-${t.id}`}
          aria-selected={tab === t.id}
          aria-controls={`trn-panel-${t.id}`}
          className={`trn-tab${tab === t.id ? ' on' : ''}`}
          onClick={() => useTraining.getState().setTab(t.id)}
          data-testid="training-tab"
          data-tab={t.id}
        >
          {t.label}
          {t.count && <span className="trn-tab-count">{t.count}</span>}
        </button>
      ))}
    </div>
  );
}

export function TrainingPage() {
  const tab = useTraining((s) => s.tab);
  const datasetId = useTraining((s) => s.datasetId);
  const trainFor = useTraining((s) => s.trainFor);
  const creating = useTraining((s) => s.creating);
  const noDatasets = useTraining((s) => s.datasets?.length === 0);
  useEffect(() => watchTraining(), []);
  return (
    <div className="page trn-page" data-testid="training-page">
      <PageHeader
        title="Training"
        subtitle="LoRAs trained on your own approved work: make a dataset, caption it, check it, and train it in the queue."
        actions={
          <>
            <button
              type="button"
              className="button"
              onClick={() => useTraining.getState().openTrain(datasetId ?? '')}
              disabled={noDatasets}
              title={noDatasets ? 'Make a dataset first' : undefined}
              data-testid="training-new-run"
            >
              <TrainIcon name="train" size={15} /> New run
            </button>
            <button
              type="button"
              className="button primary"
              onClick={() => useTraining.getState().setCreating(true)}
              data-testid="training-new-dataset"
            >
              <TrainIcon name="plus" size={15} /> New dataset
            </button>
          </>
        }
      />
      <Tabs />
      <div role="tabpanel" id={`trn-panel-${tab}`} aria-labelledby={`trn-tab-${tab}`}>
        {tab === 'datasets' ? datasetId ? <DatasetView /> : <DatasetList /> : <RunsTab />}
      </div>
      {trainFor !== undefined && <TrainDialog datasetId={trainFor} />}
      {creating && <NewDatasetDialog onClose={() => useTraining.getState().setCreating(false)} />}
    </div>
  );
}
