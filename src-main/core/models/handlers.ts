import type { modelsMethods } from '../../contract/models';
import type { HandlersFor } from '../app/handlerTypes';
import type { Atelier } from '../app/atelier';
import { getModel, listModelFiles, listModels, setModelLicense, updateModel } from './modelStore';
import { scanModels } from './scanModels';

export function modelsHandlers(core: Atelier): HandlersFor<keyof typeof modelsMethods> {
  return {
    'models.list': (input) => listModels(core, input),
    'models.setLicense': (input) => setModelLicense(core, input),
    'models.scan': () => scanModels(core),
    'models.get': ({ ref }) => getModel(core, ref),
    'models.update': (input) => updateModel(core, input),
    'models.files': ({ problemsOnly }) => listModelFiles(core, problemsOnly),
  };
}
