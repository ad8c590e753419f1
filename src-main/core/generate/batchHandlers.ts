import type { batchesMethods } from '../../contract/batches';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { checkHostPath } from '../app/hostPaths';
import {
  deleteLookup,
  getLookup,
  importWildcards,
  listLookups,
  setLookup,
} from './library/lookups';
import {
  deleteNegativePreset,
  listNegativePresets,
  setNegativePreset,
} from './library/negativePresets';
import {
  deleteTemplate,
  listTemplates,
  saveTemplateFromOrder,
  useTemplate,
} from './library/templates';
import { previewOrder } from './preview';
import { discardItems, keepItems, listItems, listSessions } from './workspace';

export function batchesHandlers(core: Atelier): HandlersFor<keyof typeof batchesMethods> {
  return {
    'orders.preview': (input) => previewOrder(core, input),
    'lookups.list': ({ search }) => listLookups(core, search),
    'lookups.get': ({ key }) => getLookup(core, key),
    'lookups.set': (input) => setLookup(core, input),
    'lookups.delete': ({ key }) => deleteLookup(core, key),
    'lookups.import': (input, ctx) => {
      // A served client may only read folders the server allows.
      checkHostPath(core, ctx, input.dir, 'The wildcard folder');
      return importWildcards(core, input);
    },
    'negativePresets.list': () => listNegativePresets(core),
    'negativePresets.set': (input) => setNegativePreset(core, input),
    'negativePresets.delete': ({ id }) => deleteNegativePreset(core, id),
    'templates.list': ({ projectId }) => listTemplates(core, projectId),
    'templates.saveFromOrder': (input) => saveTemplateFromOrder(core, input),
    'templates.use': ({ id }) => useTemplate(core, id),
    'templates.delete': ({ id }) => deleteTemplate(core, id),
    'workspace.sessions': ({ limit }, ctx) =>
      listSessions(
        core,
        limit,
        ctx.caller.role === 'member' ? (ctx.caller.userId ?? '') : undefined,
      ),
    'workspace.items': ({ sessionId, status, limit, thumbs }) =>
      listItems(core, sessionId, status, limit, thumbs),
    'workspace.keep': (input) => keepItems(core, input),
    'workspace.discard': ({ ids }) => discardItems(core, ids),
  };
}
