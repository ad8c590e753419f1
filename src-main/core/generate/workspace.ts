import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../contract/errors';
import type { WorkspaceItemInfo, WorkspaceSessionInfo } from '../../contract/batches';
import type { Atelier } from '../app/atelier';
import { addToCollection } from '../curation/collections';
import { addTags } from '../curation/tags';
import { statements } from '../db/statements';
import { appLog } from '../log/appLog';
import { registerOutput, type OutputGeneration, type OutputLink } from '../process/registerOutput';
import { SettingsStore } from '../settings/settingsStore';
import { nowIso, uuidv7 } from '../util/ids';

/**
 * The workspace: an order's images staged under the data dir (workspace/<session>/), outside
 * every watched folder and not Library assets until the creator keeps them. Keep promotes one
 * to an asset exactly as if the order had gone to the Library; discard deletes its file; what
 * is neither kept nor discarded expires (a setting, 7 days by default).
 */

export const workspaceDir = (core: Atelier) => path.join(core.layout.root, 'workspace');

interface ItemRow {
  id: string;
  session_id: string;
  order_item_id: string | null;
  path: string;
  ext: string;
  width: number | null;
  height: number | null;
  prompt: string | null;
  negative_prompt: string | null;
  seed: string | null;
  model: string | null;
  model_id: string | null;
  generation_params: string | null;
  links: string | null;
  status: 'staged' | 'kept' | 'discarded';
  asset_id: string | null;
  expires_at: string;
  created_at: string;
}

/** A session per workspace order: its images, whatever the order does next. */
export function createSession(core: Atelier, title: string, createdBy: string | null): string {
  const id = uuidv7();
  const at = nowIso();
  statements(core.sqlite)
    .get(
      'INSERT INTO workspace_sessions (id, title, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    )
    .run(id, title, createdBy, at, at);
  return id;
}

export interface StagedSpec {
  sessionId: string;
  orderItemId: string;
  tempFile: string;
  ext: string;
  baseName: string;
  generation: OutputGeneration;
  links: OutputLink[];
  modelId: string;
}

/** Moves a finished output into the session's folder and records it; returns its id. */
export async function stageOutput(core: Atelier, spec: StagedSpec): Promise<string> {
  const dir = path.join(workspaceDir(core), spec.sessionId);
  mkdirSync(dir, { recursive: true });
  let name = `${spec.baseName}.${spec.ext}`;
  for (let n = 2; existsSync(path.join(dir, name)); n++) name = `${spec.baseName}-${n}.${spec.ext}`;
  const file = path.join(dir, name);
  renameSync(spec.tempFile, file);
  let width: number | null = null;
  let height: number | null = null;
  if (['png', 'jpg', 'webp'].includes(spec.ext)) {
    const meta = await sharp(file)
      .metadata()
      .catch(() => null);
    width = meta?.width ?? null;
    height = meta?.height ?? null;
    await sharp(file)
      .resize(320, 320, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(`${file}.thumb.webp`)
      .catch(() => {});
  }
  const settings = await new SettingsStore(core.db).getAll();
  const id = uuidv7();
  const at = nowIso();
  const g = spec.generation;
  statements(core.sqlite)
    .get(
      `INSERT INTO workspace_items (id, session_id, order_item_id, path, ext, width, height, prompt, negative_prompt, seed, model,
         model_id, generation_params, links, expires_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      spec.sessionId,
      spec.orderItemId,
      file,
      spec.ext,
      width,
      height,
      g.prompt,
      g.negativePrompt,
      g.seed,
      g.model,
      spec.modelId,
      JSON.stringify({ generation: g, modelHash: g.modelHash }),
      JSON.stringify(spec.links),
      new Date(Date.now() + settings.workspaceExpiryDays * 86_400_000).toISOString(),
      at,
      at,
    );
  core.events.emit('workspace.changed', { sessionId: spec.sessionId });
  return id;
}

export function stagedFor(core: Atelier, orderItemId: string): string[] {
  return (
    statements(core.sqlite).all(
      'SELECT id FROM workspace_items WHERE order_item_id = ? ORDER BY created_at',
      [orderItemId],
    ) as { id: string }[]
  ).map((r) => r.id);
}

export function listSessions(
  core: Atelier,
  limit: number,
  createdBy?: string,
): WorkspaceSessionInfo[] {
  return (
    statements(core.sqlite).all(
      `SELECT s.id, s.title, s.created_at,
         (SELECT count(*) FROM workspace_items w WHERE w.session_id = s.id AND w.status = 'staged') AS staged,
         (SELECT count(*) FROM workspace_items w WHERE w.session_id = s.id AND w.status = 'kept') AS kept,
         (SELECT count(*) FROM workspace_items w WHERE w.session_id = s.id AND w.status = 'discarded') AS discarded
       FROM workspace_sessions s ${createdBy ? 'WHERE s.created_by = ?' : ''} ORDER BY s.created_at DESC LIMIT ?`,
      createdBy ? [createdBy, limit] : [limit],
    ) as {
      id: string;
      title: string;
      created_at: string;
      staged: number;
      kept: number;
      discarded: number;
    }[]
  ).map((r) => ({
    id: r.id,
    title: r.title,
    createdAt: r.created_at,
    staged: r.staged,
    kept: r.kept,
    discarded: r.discarded,
  }));
}

async function thumbOf(file: string): Promise<string | null> {
  try {
    return `data:image/webp;base64,${(await readFile(`${file}.thumb.webp`)).toString('base64')}`;
  } catch {
    return null;
  }
}

export async function listItems(
  core: Atelier,
  sessionId: string,
  status: 'staged' | 'kept' | 'discarded' | 'all',
  limit: number,
  thumbs = true,
): Promise<WorkspaceItemInfo[]> {
  const rows = statements(core.sqlite).all(
    `SELECT * FROM workspace_items WHERE session_id = ? ${status === 'all' ? '' : 'AND status = ?'} ORDER BY created_at LIMIT ?`,
    status === 'all' ? [sessionId, limit] : [sessionId, status, limit],
  ) as ItemRow[];
  return Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      sessionId: r.session_id,
      status: r.status,
      ext: r.ext,
      width: r.width,
      height: r.height,
      prompt: r.prompt,
      negativePrompt: r.negative_prompt,
      seed: r.seed,
      model: r.model,
      params:
        (JSON.parse(r.generation_params ?? 'null') as { generation?: OutputGeneration } | null)
          ?.generation?.params ?? null,
      assetId: r.asset_id,
      thumb: thumbs && r.status === 'staged' ? await thumbOf(r.path) : null,
      expiresAt: r.expires_at,
      createdAt: r.created_at,
    })),
  );
}

function itemRows(core: Atelier, ids: string[]): ItemRow[] {
  const rows = statements(core.sqlite).all(
    `SELECT * FROM workspace_items WHERE id IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(ids)],
  ) as ItemRow[];
  const missing = ids.filter((i) => !rows.some((r) => r.id === i));
  if (missing.length) throw new AppError('not_found', `No workspace image ${missing[0]}`);
  return rows;
}

/**
 * Promotes staged images to Library assets: the same registration (and links) a Library order
 * would have given them, then the tags and collection chosen at keep time.
 */
export async function keepItems(
  core: Atelier,
  input: { ids: string[]; tags: string[]; collectionId?: string },
): Promise<{ kept: { id: string; assetId: string }[] }> {
  const rows = itemRows(core, input.ids);
  const notStaged = rows.find((r) => r.status !== 'staged');
  if (notStaged) throw new AppError('conflict', `That image was already ${notStaged.status}`);
  const kept: { id: string; assetId: string }[] = [];
  for (const r of rows) {
    if (!existsSync(r.path)) throw new AppError('not_found', `The staged file is gone: ${r.path}`);
    const stored = JSON.parse(r.generation_params ?? '{}') as { generation: OutputGeneration };
    const job = statements(core.sqlite).all(
      'SELECT i.job_id, o.project_id FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.id = ?',
      [r.order_item_id],
    )[0] as { job_id: string | null; project_id: string | null } | undefined;
    const assetId = await registerOutput(core, {
      source: null,
      tempFile: r.path,
      suffix: r.seed ?? 'kept',
      ext: r.ext,
      baseName: path.basename(r.path, path.extname(r.path)),
      provenance: 'ai_generated',
      links: JSON.parse(r.links ?? '[]') as OutputLink[],
      generation: stored.generation,
      derivation: {
        kind: 'generate',
        params: stored.generation?.params ?? null,
        keptFrom: 'workspace',
        orderItemId: r.order_item_id,
      },
      jobId: job?.job_id ?? r.id,
      projectId: job?.project_id ?? null,
    });
    rmSync(`${r.path}.thumb.webp`, { force: true });
    const at = nowIso();
    statements(core.sqlite)
      .get("UPDATE workspace_items SET status = 'kept', asset_id = ?, updated_at = ? WHERE id = ?")
      .run(assetId, at, r.id);
    if (r.order_item_id) {
      const item = statements(core.sqlite).all('SELECT asset_ids FROM order_items WHERE id = ?', [
        r.order_item_id,
      ])[0] as { asset_ids: string | null } | undefined;
      const ids = [...(JSON.parse(item?.asset_ids ?? '[]') as string[]), assetId];
      statements(core.sqlite)
        .get('UPDATE order_items SET asset_ids = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify(ids), at, r.order_item_id);
    }
    kept.push({ id: r.id, assetId });
  }
  const assetIds = kept.map((k) => k.assetId);
  if (input.tags.length) addTags(core, { ids: assetIds }, input.tags);
  if (input.collectionId) addToCollection(core, input.collectionId, { ids: assetIds });
  for (const s of new Set(rows.map((r) => r.session_id)))
    core.events.emit('workspace.changed', { sessionId: s });
  return { kept };
}

function removeFiles(file: string): void {
  rmSync(file, { force: true });
  rmSync(`${file}.thumb.webp`, { force: true });
}

export function discardItems(core: Atelier, ids: string[]): { discarded: number } {
  const rows = itemRows(core, ids).filter((r) => r.status === 'staged');
  const at = nowIso();
  for (const r of rows) {
    removeFiles(r.path);
    statements(core.sqlite)
      .get("UPDATE workspace_items SET status = 'discarded', updated_at = ? WHERE id = ?")
      .run(at, r.id);
  }
  for (const s of new Set(rows.map((r) => r.session_id)))
    core.events.emit('workspace.changed', { sessionId: s });
  return { discarded: rows.length };
}

/** Deletes staged images past their expiry (kept ones are assets now and never expire). */
export function sweepExpired(core: Atelier, now = new Date()): number {
  const rows = statements(core.sqlite).all(
    "SELECT id, path, session_id FROM workspace_items WHERE status = 'staged' AND expires_at <= ?",
    [now.toISOString()],
  ) as { id: string; path: string; session_id: string }[];
  const at = nowIso();
  for (const r of rows) {
    removeFiles(r.path);
    statements(core.sqlite)
      .get("UPDATE workspace_items SET status = 'discarded', updated_at = ? WHERE id = ?")
      .run(at, r.id);
  }
  if (rows.length)
    appLog.info('workspace', `removed ${rows.length} unkept workspace image(s) past their expiry`);
  for (const s of new Set(rows.map((r) => r.session_id)))
    core.events.emit('workspace.changed', { sessionId: s });
  return rows.length;
}

/** The sweep at start-up and then hourly. */
export function startWorkspaceSweep(core: Atelier): { dispose(): void } {
  const run = () => {
    try {
      sweepExpired(core);
    } catch (err) {
      appLog.warn('workspace', `expiry sweep failed: ${(err as Error).message}`);
    }
  };
  run();
  const t = setInterval(run, 3_600_000);
  t.unref();
  return { dispose: () => clearInterval(t) };
}
