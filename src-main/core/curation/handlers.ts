import type { curationMethods } from '../../contract/curation';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import {
  addToCollection,
  createCollection,
  deleteCollection,
  listCollections,
  moveInCollection,
  removeFromCollection,
  reorderCollections,
  updateCollection,
} from './collections';
import { setCuration, undoLast } from './curate';
import { exactDuplicates, keepBestChecked, nearDuplicates } from './duplicates';
import { deleteSavedSearch, listSavedSearches, saveSearch } from '../browse/savedSearches';
import { addTags, createTag, deleteTag, listTags, removeTags, updateTag } from './tags';
import { emptyTrash, moveToTrash, restoreFromTrash } from './trash';
import { undoHistory } from './undoLog';

export function curationHandlers(core: Atelier): HandlersFor<keyof typeof curationMethods> {
  return {
    'curation.set': ({ selection, patch }) => setCuration(core, selection, patch),
    'curation.undo': () => undoLast(core),
    'curation.history': ({ limit }) => undoHistory(core.sqlite, limit),
    'tags.list': ({ prefix, limit }) => listTags(core, prefix, limit),
    'tags.create': ({ name, color }) => createTag(core, name, color),
    'tags.update': ({ id, ...patch }) => updateTag(core, id, patch),
    'tags.delete': ({ id }) => deleteTag(core, id),
    'curation.addTags': ({ selection, tags }) => addTags(core, selection, tags),
    'curation.removeTags': ({ selection, tagIds }) => removeTags(core, selection, tagIds),
    'collections.list': () => listCollections(core),
    'collections.create': ({ name, description }) => createCollection(core, name, description),
    'collections.update': ({ id, ...patch }) => updateCollection(core, id, patch),
    'collections.delete': ({ id }) => deleteCollection(core, id),
    'collections.reorder': ({ ids }) => reorderCollections(core, ids),
    'collections.addAssets': ({ id, selection }) => addToCollection(core, id, selection),
    'collections.removeAssets': ({ id, selection }) => removeFromCollection(core, id, selection),
    'collections.moveAssets': ({ id, assetIds, beforeAssetId }) =>
      moveInCollection(core, id, assetIds, beforeAssetId),
    'savedSearches.list': () => listSavedSearches(core),
    'savedSearches.save': (input) => saveSearch(core, input),
    'savedSearches.delete': ({ id }) => deleteSavedSearch(core, id),
    'trash.move': ({ selection }) => moveToTrash(core, selection),
    'trash.restore': ({ selection }) => restoreFromTrash(core, selection),
    'trash.empty': ({ ids, deleteFiles }) => emptyTrash(core, { ids, deleteFiles }),
    'duplicates.find': ({ kind, threshold, limit, filter }) =>
      kind === 'exact'
        ? exactDuplicates(core.sqlite, limit, filter)
        : nearDuplicates(core.sqlite, threshold, limit, filter),
    'duplicates.keepBest': ({ groups, confirmPackMembers }) =>
      keepBestChecked(core, groups, confirmPackMembers),
  };
}
