import type { modelsMethods } from '../../contract/models';
import type { HandlersFor } from '../app/handlerTypes';
import type { Atelier } from '../app/atelier';
import { listModels, setModelLicense } from './modelStore';

export function modelsHandlers(core: Atelier): HandlersFor<keyof typeof modelsMethods> {
  return {
    'models.list': (input) => listModels(core, input),
    'models.setLicense': (input) => setModelLicense(core, input),
  };
}
