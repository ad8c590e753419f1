import type { trainingMethods } from '../../contract/training';
import type { Atelier } from '../app/atelier';
import type { Caller } from '../app/caller';
import type { HandlersFor } from '../app/handlerTypes';
import { checkDataset } from './datasets/checkDataset';
import {
  addDatasetAssets,
  createDataset,
  datasetTagFrequency,
  deleteDataset,
  excludeDatasetAssets,
  findDataset,
  getDataset,
  listDatasets,
  removeDatasetAssets,
  replaceInCaptions,
  resetCaptions,
  setCaptions,
  updateDataset,
} from './datasets/datasetStore';
import { presets } from './runs/presets';
import {
  cancelTraining,
  chooseTrainingLora,
  deleteTraining,
  mayChangeTraining,
  moveTraining,
  pauseTraining,
  resumeTraining,
  startTraining,
} from './runs/trainingActions';
import { findTraining, getTraining, listTrainings } from './runs/trainingStore';

export function trainingHandlers(core: Atelier): HandlersFor<keyof typeof trainingMethods> {
  /** Datasets and runs may be named by id or by name (the CLI does). */
  const ds = (ref: string) => findDataset(core, ref).id;
  const run = (ref: string) => findTraining(core, ref).id;
  const mine = (ref: string, ctx: { caller: Caller }) => {
    const id = run(ref);
    mayChangeTraining(core, ctx.caller, id);
    return id;
  };
  return {
    'datasets.list': ({ projectId }) => listDatasets(core, projectId),
    'datasets.get': ({ id }) => getDataset(core, ds(id)),
    'datasets.create': (input) => createDataset(core, input),
    'datasets.update': ({ id, ...patch }) => updateDataset(core, { id: ds(id), ...patch }),
    'datasets.delete': ({ id }) => deleteDataset(core, ds(id)),
    'datasets.addAssets': ({ id, assetIds }) => addDatasetAssets(core, ds(id), assetIds),
    'datasets.removeAssets': ({ id, assetIds }) => removeDatasetAssets(core, ds(id), assetIds),
    'datasets.exclude': ({ id, assetIds, excluded }) =>
      excludeDatasetAssets(core, ds(id), assetIds, excluded),
    'datasets.check': ({ id }) => checkDataset(core, ds(id)),
    'datasets.setCaptions': ({ id, captions }) => setCaptions(core, ds(id), captions),
    'datasets.replaceInCaptions': (input) =>
      replaceInCaptions(core, { ...input, id: ds(input.id) }),
    'datasets.resetCaptions': ({ id, source, assetIds }) =>
      resetCaptions(core, ds(id), source, assetIds),
    'datasets.tagFrequency': ({ id }) => datasetTagFrequency(core, ds(id)),
    'trainings.presets': () => presets,
    'trainings.start': (input, ctx) =>
      startTraining(core, { ...input, datasetId: ds(input.datasetId) }, ctx.caller),
    'trainings.list': (input) => listTrainings(core, input),
    'trainings.get': ({ id }) => getTraining(core, run(id)),
    'trainings.cancel': ({ id }, ctx) => cancelTraining(core, mine(id, ctx)),
    'trainings.pause': ({ id }, ctx) => pauseTraining(core, mine(id, ctx)),
    'trainings.resume': ({ id }, ctx) => resumeTraining(core, mine(id, ctx)),
    'trainings.move': ({ id, direction }, ctx) => moveTraining(core, mine(id, ctx), direction),
    'trainings.choose': ({ id, modelId }, ctx) => chooseTrainingLora(core, mine(id, ctx), modelId),
    'trainings.delete': ({ id }, ctx) => deleteTraining(core, mine(id, ctx)),
  };
}
