import { AppError } from '../../../contract/errors';
import type { AssetTypeName } from '../../../contract/library';
import type { LibraryFilter } from '../../../contract/browse';
import type { Selection } from '../../../contract/curation';
import type {
  CaptionSource,
  DatasetDetail,
  DatasetInfo,
  DatasetItemInfo,
} from '../../../contract/training';
import type { Atelier } from '../../app/atelier';
import { resolveSelection } from '../../curation/selection';
import { statements } from '../../db/statements';
import { nowIso, uuidv7 } from '../../util/ids';
import { captionFrom, replaceInCaption, tagFrequency, withTrigger } from './captions';

/**
 * Datasets and their captions. A dataset holds references to Library assets (never copies);
 * captions are stored here, so the creator's files and their metadata are never touched.
 */

interface DatasetRow {
  id: string;
  name: string;
  trigger_token: string;
  class_word: string;
  repeats: number;
  resolution: number;
  bucketing: number;
  min_images: number;
  project_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface DatasetItemRow {
  asset_id: string;
  position: number;
  caption: string;
  excluded: number;
  filename: string;
  path: string;
  type: AssetTypeName;
  width: number | null;
  height: number | null;
  status: 'pending' | 'approved' | 'rejected';
  missing: number;
  sha256: string;
  phash: string | null;
  deleted_at: string | null;
}

export function datasetRow(core: Atelier, id: string): DatasetRow {
  const row = statements(core.sqlite).get(`SELECT * FROM datasets WHERE id = ?`).get(id) as
    | DatasetRow
    | undefined;
  if (!row)
    throw new AppError('not_found', 'That dataset does not exist (it may have been deleted).');
  return row;
}

/** A dataset by id or (without case) by name: how the CLI names them. */
export function findDataset(core: Atelier, ref: string): DatasetRow {
  const row = statements(core.sqlite)
    .get(`SELECT * FROM datasets WHERE id = ? OR name = ? COLLATE NOCASE`)
    .get(ref, ref) as DatasetRow | undefined;
  if (!row) throw new AppError('not_found', `No dataset is called “${ref}”.`);
  return row;
}

export function datasetItems(core: Atelier, id: string): DatasetItemRow[] {
  return statements(core.sqlite).all(
    `SELECT i.asset_id, i.position, i.caption, i.excluded, a.filename, a.path, a.type, a.width, a.height,
            a.status, a.missing, a.sha256, a.phash, a.deleted_at
       FROM dataset_items i JOIN assets a ON a.id = i.asset_id
      WHERE i.dataset_id = ? ORDER BY i.position`,
    [id],
  ) as DatasetItemRow[];
}

/** The items that train: not excluded, not in the trash. */
export function trainingItems(items: DatasetItemRow[]): DatasetItemRow[] {
  return items.filter((i) => !i.excluded && !i.deleted_at);
}

function toInfo(core: Atelier, r: DatasetRow, items?: DatasetItemRow[]): DatasetInfo {
  const q = statements(core.sqlite);
  let imageCount: number;
  let excludedCount: number;
  let cover: string[];
  if (items) {
    const live = trainingItems(items);
    imageCount = live.length;
    excludedCount = items.length - live.length;
    cover = live.slice(0, 4).map((i) => i.asset_id);
  } else {
    const c = q
      .get(
        `SELECT sum(i.excluded = 0 AND a.deleted_at IS NULL) n, sum(i.excluded != 0 OR a.deleted_at IS NOT NULL) x
           FROM dataset_items i JOIN assets a ON a.id = i.asset_id WHERE i.dataset_id = ?`,
      )
      .get(r.id) as { n: number | null; x: number | null };
    imageCount = c.n ?? 0;
    excludedCount = c.x ?? 0;
    cover = (
      q.all(
        `SELECT i.asset_id FROM dataset_items i JOIN assets a ON a.id = i.asset_id
          WHERE i.dataset_id = ? AND i.excluded = 0 AND a.deleted_at IS NULL ORDER BY i.position LIMIT 4`,
        [r.id],
      ) as { asset_id: string }[]
    ).map((x) => x.asset_id);
  }
  const trainings = (
    q.get(`SELECT count(*) n FROM trainings WHERE dataset_id = ?`).get(r.id) as { n: number }
  ).n;
  return {
    id: r.id,
    name: r.name,
    triggerToken: r.trigger_token,
    classWord: r.class_word,
    repeats: r.repeats,
    resolution: r.resolution,
    bucketing: !!r.bucketing,
    minImages: r.min_images,
    projectId: r.project_id,
    imageCount,
    excludedCount,
    coverAssetIds: cover,
    trainingCount: trainings,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toItem(i: DatasetItemRow): DatasetItemInfo {
  return {
    assetId: i.asset_id,
    filename: i.filename,
    type: i.type,
    width: i.width,
    height: i.height,
    status: i.status,
    caption: i.caption,
    excluded: !!i.excluded || !!i.deleted_at,
    missing: !!i.missing,
  };
}

export function getDataset(core: Atelier, id: string): DatasetDetail {
  const row = datasetRow(core, id);
  const items = datasetItems(core, id);
  return { ...toInfo(core, row, items), items: items.map(toItem) };
}

export function listDatasets(core: Atelier, projectId?: string): DatasetInfo[] {
  const rows = statements(core.sqlite).all(
    `SELECT * FROM datasets WHERE (? IS NULL OR project_id = ?) ORDER BY updated_at DESC, id DESC`,
    [projectId ?? null, projectId ?? null],
  ) as DatasetRow[];
  return rows.map((r) => toInfo(core, r));
}

function assetFacts(
  core: Atelier,
  ids: string[],
): Map<string, { prompt: string | null; tags: string[] }> {
  const rows = statements(core.sqlite).all(
    `SELECT a.id, a.prompt, (SELECT json_group_array(t.name) FROM asset_tags x JOIN tags t ON t.id = x.tag_id
                              WHERE x.asset_id = a.id) tags
       FROM json_each(?) j JOIN assets a ON a.id = j.value`,
    [JSON.stringify(ids)],
  ) as { id: string; prompt: string | null; tags: string }[];
  return new Map(
    rows.map((r) => [r.id, { prompt: r.prompt, tags: JSON.parse(r.tags) as string[] }]),
  );
}

export interface CreateDatasetInput {
  name: string;
  selection?: Selection;
  savedSearchId?: string;
  triggerToken: string;
  classWord: string;
  repeats: number;
  resolution: number;
  bucketing: boolean;
  minImages: number;
  includeUnapproved: boolean;
  captionSource: CaptionSource;
  projectId?: string;
}

/**
 * The assets a selection names. A filter (collection, tag, search, saved search) takes approved
 * images unless told otherwise; assets picked one by one are taken as picked, so the check can
 * name the ones that cannot train (a video, a rejected image the creator meant to include).
 */
export function selectDatasetAssets(
  core: Atelier,
  input: Pick<CreateDatasetInput, 'selection' | 'savedSearchId' | 'includeUnapproved'>,
): string[] {
  let sel: Selection;
  if (input.savedSearchId) {
    const saved = statements(core.sqlite)
      .get(`SELECT filter FROM saved_searches WHERE id = ? OR name = ? COLLATE NOCASE`)
      .get(input.savedSearchId, input.savedSearchId) as { filter: string } | undefined;
    if (!saved) throw new AppError('not_found', 'That saved search does not exist.');
    sel = { query: JSON.parse(saved.filter) as LibraryFilter };
  } else sel = input.selection!;
  if (sel.query) {
    const query: LibraryFilter = { ...sel.query, trashed: false };
    if (!input.includeUnapproved) query.statuses = ['approved'];
    if (!query.types) query.types = ['image'];
    sel = { ...sel, query };
  }
  const rows = resolveSelection(core.sqlite, sel);
  if (sel.ids) {
    const live = new Set(
      (
        statements(core.sqlite).all(
          `SELECT a.id FROM json_each(?) j JOIN assets a ON a.id = j.value
            WHERE a.deleted_at IS NULL AND (? OR a.status = 'approved')`,
          [JSON.stringify(rows.map((r) => r.id)), input.includeUnapproved ? 1 : 0],
        ) as { id: string }[]
      ).map((r) => r.id),
    );
    const notApproved = rows.filter((r) => !live.has(r.id));
    if (notApproved.length && !live.size)
      throw new AppError(
        'invalid_input',
        `None of the ${rows.length === 1 ? 'picked asset is' : `${rows.length} picked assets are`} approved. Approve them first, or include unapproved ones on purpose.`,
      );
    return rows.filter((r) => live.has(r.id)).map((r) => r.id);
  }
  return rows.map((r) => r.id);
}

function touch(core: Atelier, id: string): void {
  statements(core.sqlite).get(`UPDATE datasets SET updated_at = ? WHERE id = ?`).run(nowIso(), id);
  core.events.emit('datasets.changed', { id });
}

function insertItems(
  core: Atelier,
  datasetId: string,
  assetIds: string[],
  trigger: string,
  source: CaptionSource,
): number {
  const q = statements(core.sqlite);
  const start =
    (
      q.get(`SELECT max(position) p FROM dataset_items WHERE dataset_id = ?`).get(datasetId) as {
        p: number | null;
      }
    ).p ?? -1;
  const facts = assetFacts(core, assetIds);
  const insert = q.get(
    `INSERT OR IGNORE INTO dataset_items (dataset_id, asset_id, position, caption) VALUES (?, ?, ?, ?)`,
  );
  let n = 0;
  for (const [i, assetId] of assetIds.entries()) {
    const f = facts.get(assetId) ?? { prompt: null, tags: [] };
    n += insert.run(datasetId, assetId, start + 1 + i, captionFrom(source, f, trigger)).changes;
  }
  return n;
}

function uniqueName(core: Atelier, name: string, exceptId?: string): void {
  const clash = statements(core.sqlite)
    .get(`SELECT id FROM datasets WHERE name = ? COLLATE NOCASE AND id != ?`)
    .get(name, exceptId ?? '') as { id: string } | undefined;
  if (clash) throw new AppError('conflict', `A dataset called “${name}” already exists.`);
}

export function createDataset(core: Atelier, input: CreateDatasetInput): DatasetDetail {
  uniqueName(core, input.name);
  const assetIds = selectDatasetAssets(core, input);
  if (!assetIds.length)
    throw new AppError(
      'invalid_input',
      input.includeUnapproved
        ? 'That selection holds no assets: pick some images, or choose a collection, tag or search that has them.'
        : 'That selection holds no approved images. Approve the ones to train on (P in the Library), or include unapproved ones on purpose.',
    );
  const id = uuidv7();
  const at = nowIso();
  core.sqlite.transaction(() => {
    statements(core.sqlite)
      .get(
        `INSERT INTO datasets (id, name, trigger_token, class_word, repeats, resolution, bucketing, min_images, project_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.name,
        input.triggerToken,
        input.classWord,
        input.repeats,
        input.resolution,
        input.bucketing ? 1 : 0,
        input.minImages,
        input.projectId ?? null,
        at,
        at,
      );
    insertItems(core, id, assetIds, input.triggerToken, input.captionSource);
  })();
  core.events.emit('datasets.changed', { id });
  return getDataset(core, id);
}

export function updateDataset(
  core: Atelier,
  input: {
    id: string;
    name?: string;
    triggerToken?: string;
    classWord?: string;
    repeats?: number;
    resolution?: number;
    bucketing?: boolean;
    minImages?: number;
  },
): DatasetDetail {
  const row = datasetRow(core, input.id);
  if (input.name !== undefined) uniqueName(core, input.name, row.id);
  const q = statements(core.sqlite);
  core.sqlite.transaction(() => {
    q.get(
      `UPDATE datasets SET name = coalesce(?, name), trigger_token = coalesce(?, trigger_token),
         class_word = coalesce(?, class_word), repeats = coalesce(?, repeats), resolution = coalesce(?, resolution),
         bucketing = coalesce(?, bucketing), min_images = coalesce(?, min_images), updated_at = ? WHERE id = ?`,
    ).run(
      input.name ?? null,
      input.triggerToken ?? null,
      input.classWord ?? null,
      input.repeats ?? null,
      input.resolution ?? null,
      input.bucketing === undefined ? null : input.bucketing ? 1 : 0,
      input.minImages ?? null,
      nowIso(),
      row.id,
    );
    // A renamed trigger token is renamed in every caption that begins with the old one.
    if (input.triggerToken && input.triggerToken !== row.trigger_token) {
      const set = q.get(
        `UPDATE dataset_items SET caption = ? WHERE dataset_id = ? AND asset_id = ?`,
      );
      for (const it of datasetItems(core, row.id))
        set.run(
          withTrigger(it.caption, input.triggerToken, row.trigger_token),
          row.id,
          it.asset_id,
        );
    }
  })();
  core.events.emit('datasets.changed', { id: row.id });
  return getDataset(core, row.id);
}

export function deleteDataset(core: Atelier, id: string): { deleted: true } {
  datasetRow(core, id);
  const running = statements(core.sqlite)
    .get(
      `SELECT count(*) n FROM trainings t JOIN jobs j ON j.id = t.job_id
        WHERE t.dataset_id = ? AND j.status IN ('queued', 'running') AND t.paused = 0`,
    )
    .get(id) as { n: number };
  if (running.n)
    throw new AppError(
      'conflict',
      'A training run of this dataset is queued or running: cancel it first, or let it finish.',
    );
  statements(core.sqlite).get(`DELETE FROM datasets WHERE id = ?`).run(id);
  core.events.emit('datasets.changed', { id });
  return { deleted: true };
}

export function addDatasetAssets(core: Atelier, id: string, assetIds: string[]): DatasetDetail {
  const row = datasetRow(core, id);
  const known = (
    statements(core.sqlite).all(
      `SELECT a.id FROM json_each(?) j JOIN assets a ON a.id = j.value WHERE a.deleted_at IS NULL`,
      [JSON.stringify(assetIds)],
    ) as { id: string }[]
  ).map((r) => r.id);
  if (!known.length) throw new AppError('not_found', 'None of those assets is in the Library.');
  core.sqlite.transaction(() => insertItems(core, id, known, row.trigger_token, 'prompt'))();
  touch(core, id);
  return getDataset(core, id);
}

export function removeDatasetAssets(core: Atelier, id: string, assetIds: string[]): DatasetDetail {
  datasetRow(core, id);
  const del = statements(core.sqlite).get(
    `DELETE FROM dataset_items WHERE dataset_id = ? AND asset_id = ?`,
  );
  core.sqlite.transaction(() => {
    for (const a of assetIds) del.run(id, a);
  })();
  touch(core, id);
  return getDataset(core, id);
}

export function excludeDatasetAssets(
  core: Atelier,
  id: string,
  assetIds: string[],
  excluded: boolean,
): DatasetDetail {
  datasetRow(core, id);
  const set = statements(core.sqlite).get(
    `UPDATE dataset_items SET excluded = ? WHERE dataset_id = ? AND asset_id = ?`,
  );
  core.sqlite.transaction(() => {
    for (const a of assetIds) set.run(excluded ? 1 : 0, id, a);
  })();
  touch(core, id);
  return getDataset(core, id);
}

export function setCaptions(
  core: Atelier,
  id: string,
  captions: { assetId: string; caption: string }[],
): { changed: number } {
  datasetRow(core, id);
  const set = statements(core.sqlite).get(
    `UPDATE dataset_items SET caption = ? WHERE dataset_id = ? AND asset_id = ? AND caption != ?`,
  );
  let changed = 0;
  core.sqlite.transaction(() => {
    for (const c of captions) {
      const text = c.caption.replace(/\s*\n\s*/g, ' ').trim();
      changed += set.run(text, id, c.assetId, text).changes;
    }
  })();
  if (changed) touch(core, id);
  return { changed };
}

export function replaceInCaptions(
  core: Atelier,
  input: {
    id: string;
    find: string;
    replace: string;
    wholeTag: boolean;
    caseSensitive: boolean;
    dryRun: boolean;
  },
): { changed: number; captions: number } {
  datasetRow(core, input.id);
  const items = datasetItems(core, input.id);
  const edits: { assetId: string; caption: string }[] = [];
  for (const it of items) {
    const next = replaceInCaption(it.caption, input.find, input.replace, input);
    if (next !== it.caption) edits.push({ assetId: it.asset_id, caption: next });
  }
  if (!input.dryRun && edits.length) setCaptions(core, input.id, edits);
  return { changed: edits.length, captions: items.length };
}

export function resetCaptions(
  core: Atelier,
  id: string,
  source: CaptionSource,
  assetIds?: string[],
): DatasetDetail {
  const row = datasetRow(core, id);
  const items = datasetItems(core, id).filter((i) => !assetIds || assetIds.includes(i.asset_id));
  const facts = assetFacts(
    core,
    items.map((i) => i.asset_id),
  );
  setCaptions(
    core,
    id,
    items.map((i) => ({
      assetId: i.asset_id,
      caption: captionFrom(
        source,
        facts.get(i.asset_id) ?? { prompt: null, tags: [] },
        row.trigger_token,
      ),
    })),
  );
  return getDataset(core, id);
}

export function datasetTagFrequency(core: Atelier, id: string): { tag: string; count: number }[] {
  datasetRow(core, id);
  return tagFrequency(trainingItems(datasetItems(core, id)).map((i) => i.caption));
}
