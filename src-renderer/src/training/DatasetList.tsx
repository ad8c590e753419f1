import type { DatasetInfo } from '@contract/index';
import { EmptyState } from '../components/PageHeader';
import { AssetImg } from './AssetImg';
import { plural, when } from './format';
import { TrainIcon } from './TrainIcon';
import { useTraining } from './trainingStore';

function Cover({ ids }: { ids: string[] }) {
  const cells = ids.slice(0, 4);
  return (
    <div className={`trn-cover n${cells.length}`} aria-hidden="true">
      {cells.length === 0 ? (
        <span className="trn-img-none">
          <TrainIcon name="dataset" size={26} />
        </span>
      ) : (
        cells.map((id) => <AssetImg key={id} id={id} variant="thumb-small" />)
      )}
    </div>
  );
}

function DatasetCard({ d }: { d: DatasetInfo }) {
  return (
    <li>
      <button
        type="button"
        className="trn-ds-card"
        onClick={() => useTraining.getState().openDataset(d.id)}
        data-testid="dataset-card"
        data-dataset-id={d.id}
      >
        <Cover ids={d.coverAssetIds} />
        <span className="trn-ds-card-body">
          <span className="trn-ds-card-name">{d.name}</span>
          <span className="trn-token" title="Trigger token">
            {d.triggerToken}
          </span>
          <span className="trn-ds-card-facts" data-testid="dataset-card-count">
            {plural(d.imageCount, 'image')}
            {d.excludedCount > 0 && ` · ${d.excludedCount.toLocaleString()} left out`}
          </span>
          <span className="trn-ds-card-facts">
            {d.trainingCount > 0 ? plural(d.trainingCount, 'run') : 'Not trained yet'} · changed{' '}
            {when(d.updatedAt)}
          </span>
        </span>
      </button>
    </li>
  );
}

/** Every dataset as a card: its first images, its trigger token, how many images train. */
export function DatasetList() {
  const datasets = useTraining((s) => s.datasets);
  const error = useTraining((s) => s.datasetsError);
  if (error)
    return (
      <div className="trn-alert" role="alert">
        <TrainIcon name="warning" /> Datasets could not be loaded: {error}
      </div>
    );
  if (!datasets) return <p className="muted">Loading datasets…</p>;
  if (!datasets.length)
    return (
      <div className="card" data-testid="datasets-empty">
        <EmptyState icon={<TrainIcon name="dataset" size={28} />} title="No datasets yet">
          <p>
            A dataset is the set of images a LoRA learns from, each with a caption. Select approved
            images in the Library and choose <strong>Make a dataset…</strong>, or start one here
            from a collection, a saved search or a tag.
          </p>
          <button
            type="button"
            className="button primary"
            onClick={() => useTraining.getState().setCreating(true)}
          >
            <TrainIcon name="plus" /> New dataset
          </button>
        </EmptyState>
      </div>
    );
  return (
    <ul className="trn-ds-cards" aria-label="Datasets" data-testid="datasets-list">
      {datasets.map((d) => (
        <DatasetCard key={d.id} d={d} />
      ))}
    </ul>
  );
}
