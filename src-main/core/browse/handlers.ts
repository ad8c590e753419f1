import type { browseMethods } from '../../contract/browse';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { listSavedSearches } from './savedSearches';
import { libraryCounts } from './counts';
import { folderTree } from './folderTree';
import { queryLibrary, stackMembers } from './gridQuery';
import { assetRelations, facetValues, gridItemsById } from './relations';

export function browseHandlers(core: Atelier): HandlersFor<keyof typeof browseMethods> {
  return {
    'library.query': (input) => queryLibrary(core.sqlite, input),
    'library.items': ({ ids }) => gridItemsById(core.sqlite, ids),
    'library.stack': ({ id, filter }) => stackMembers(core.sqlite, id, filter),
    'library.counts': () => libraryCounts(core.sqlite, listSavedSearches(core)),
    'library.relations': ({ id }) => assetRelations(core.sqlite, id),
    'library.folders': () => folderTree(core.sqlite),
    'library.facets': ({ limit }) => facetValues(core.sqlite, limit),
  };
}
