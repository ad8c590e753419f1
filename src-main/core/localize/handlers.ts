import type { localizeMethods } from '../../contract/localize';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import {
  cancelLocalization,
  localizeEngines,
  rerunLocalization,
  startLocalization,
} from './localizeActions';
import {
  getLocalization,
  listLocalizations,
  mergeCues,
  splitCue,
  updateCue,
} from './localizeStore';
import { localizationWaveform } from './waveform';

export function localizeHandlers(core: Atelier): HandlersFor<keyof typeof localizeMethods> {
  return {
    'localize.engines': () => localizeEngines(core),
    'localize.start': (input, ctx) => startLocalization(core, input, ctx.caller.userId),
    'localize.list': ({ assetId }) => listLocalizations(core, assetId),
    'localize.get': ({ id }) => getLocalization(core, id),
    'localize.updateCue': (input) => updateCue(core, input),
    'localize.splitCue': ({ id, index, atMs }) => splitCue(core, id, index, atMs),
    'localize.mergeCues': ({ id, index }) => mergeCues(core, id, index),
    'localize.rerun': ({ id }, ctx) => rerunLocalization(core, id, ctx.caller.userId),
    'localize.cancel': ({ id }) => cancelLocalization(core, id),
    'localize.waveform': ({ id, buckets }) => localizationWaveform(core, id, buckets),
  };
}
