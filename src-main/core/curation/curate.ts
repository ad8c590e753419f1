import type {
  CurationPatch,
  CurationResult,
  Selection,
  UndoEntryInfo,
} from '../../contract/curation';
import { AppError } from '../../contract/errors';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { changeFields, patchColumns } from './fieldChanges';
import { maxListedIds, notifyCurated, notifyLibraryChanged } from './notify';
import { resolveSelection, type SelectedAsset } from './selection';
import { popUndo, pushUndo, type UndoOp } from './undoLog';

function describePatch(p: CurationPatch): string {
  if (p.status)
    return p.status === 'pending' ? 'Unmark' : p.status === 'approved' ? 'Approve' : 'Reject';
  if (p.rating !== undefined) return p.rating === 0 ? 'Clear rating' : `Rate ${p.rating}`;
  if (p.liked !== undefined) return p.liked ? 'Like' : 'Unlike';
  if (p.colorLabel !== undefined)
    return p.colorLabel === null ? 'Clear label' : `Label ${p.colorLabel}`;
  const names = Object.keys(p);
  return `Set ${names.join(', ')}`;
}

export function plural(n: number, what: string): string {
  return `${n.toLocaleString('en')} ${what}${n === 1 ? '' : 's'}`;
}

/** Sets curation fields on a selection as one undoable step. */
export function setCuration(
  core: Atelier,
  selection: Selection,
  patch: CurationPatch,
): CurationResult {
  const selected = resolveSelection(core.sqlite, selection);
  const set = patchColumns(patch);
  const { changed, undoId } = core.sqlite.transaction(() => {
    const r = changeFields(core.sqlite, [{ rids: selected.map((s) => s.rid), set }]);
    const id = r.changed.length
      ? pushUndo(
          core.sqlite,
          `${describePatch(patch)} · ${plural(r.changed.length, 'asset')}`,
          r.changed.length,
          [r.op],
        )
      : null;
    return { changed: r.changed, undoId: id };
  })();
  notifyCurated(core, idsOf(selected, changed), Object.keys(patch));
  return { changed: changed.length, undoId };
}

export function idsOf(selected: SelectedAsset[], rids: readonly number[]): string[] {
  const byRid = new Map(selected.map((s) => [s.rid, s.id]));
  return rids.map((r) => byRid.get(r)).filter((x): x is string => x !== undefined);
}

function ridsInOps(ops: UndoOp[]): number[] {
  return ops.flatMap((op) => (op.kind === 'fields' ? op.groups.flatMap((g) => g.rids) : []));
}

/** Undoes the newest curation action and says which one it was. */
export function undoLast(core: Atelier): { undone: UndoEntryInfo | null } {
  const entry = popUndo(core.sqlite);
  if (!entry) return { undone: null };
  const { ops, ...info } = entry;
  const rids = ridsInOps(ops);
  const fields = [
    ...new Set(
      ops.flatMap((op) =>
        op.kind === 'fields' ? op.groups.flatMap((g) => Object.keys(g.set)) : [op.kind],
      ),
    ),
  ];
  if (fields.includes('deleted_at') || ops.some((op) => op.kind !== 'fields')) {
    notifyLibraryChanged(core, 'undo');
  }
  if (rids.length) {
    const ids =
      rids.length <= maxListedIds
        ? (
            statements(core.sqlite).all(
              'SELECT id FROM assets WHERE rid IN (SELECT value FROM json_each(?))',
              [JSON.stringify(rids)],
            ) as {
              id: string;
            }[]
          ).map((r) => r.id)
        : null;
    notifyCurated(core, ids, fields);
  }
  if (ops.some((op) => op.kind === 'tagLinks')) core.events.emit('tags.changed', { id: null });
  if (ops.some((op) => op.kind === 'collectionLinks'))
    core.events.emit('collections.changed', { id: null });
  return { undone: info };
}

/**
 * "Keep the best, reject the rest": approves each group's kept asset and rejects the others,
 * all groups as one undo step.
 */
export function keepBest(
  core: Atelier,
  groups: { keepId: string; otherIds: string[] }[],
): CurationResult {
  const keepIds = groups.map((g) => g.keepId);
  const otherIds = groups.flatMap((g) => g.otherIds).filter((id) => !keepIds.includes(id));
  const keep = resolveSelection(core.sqlite, { ids: keepIds });
  const others = resolveSelection(core.sqlite, { ids: otherIds });
  if (keep.length !== new Set(keepIds).size)
    throw new AppError('not_found', 'A kept asset is no longer in the library');
  const all = [...keep, ...others];
  const { changed, undoId } = core.sqlite.transaction(() => {
    const r = changeFields(core.sqlite, [
      { rids: keep.map((k) => k.rid), set: { status: 'approved' } },
      { rids: others.map((o) => o.rid), set: { status: 'rejected' } },
    ]);
    const id = r.changed.length
      ? pushUndo(core.sqlite, `Keep best of ${plural(groups.length, 'group')}`, r.changed.length, [
          r.op,
        ])
      : null;
    return { changed: r.changed, undoId: id };
  })();
  notifyCurated(core, idsOf(all, changed), ['status']);
  return { changed: changed.length, undoId };
}
