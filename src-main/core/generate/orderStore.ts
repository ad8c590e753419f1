import { AppError } from '../../contract/errors';
import type {
  GenerationEngine,
  GenerationParams,
  OrderDetail,
  OrderItemInfo,
  OrderItemStatusName,
  OrderStatusName,
  OrderSummary,
} from '../../contract/generate';
import type { Atelier } from '../app/atelier';
import { tagsByEntity, tagsOfEntity } from '../db/entityTags';
import { statements } from '../db/statements';
import { nowIso } from '../util/ids';

interface OrderRow {
  id: string;
  title: string;
  model_id: string | null;
  engine: GenerationEngine;
  endpoint_id: string | null;
  params: string;
  status: OrderStatusName;
  item_count: number;
  complete_count: number;
  failed_count: number;
  cancelled_count: number;
  job_id: string | null;
  created_by: string | null;
  created_at: string;
  finished_at: string | null;
  model_name: string | null;
  project_id: string | null;
  destination: 'library' | 'workspace';
  workspace_session_id: string | null;
  source_prompt: string | null;
  warnings: string | null;
}

export interface ItemRow {
  id: string;
  order_id: string;
  seq: number;
  status: OrderItemStatusName;
  generation_params: string;
  actual_params: string | null;
  returned_params: string | null;
  provider_request_id: string | null;
  endpoint_id: string | null;
  job_id: string | null;
  asset_ids: string | null;
  retries: number;
  error: string | null;
  warnings: string | null;
  progress: number | null;
  progress_message: string | null;
  workspace_item_ids?: string | null;
}

const json = <T>(text: string | null, fallback: T): T => {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

const orderSelect = `SELECT o.*, m.name AS model_name FROM orders o LEFT JOIN models m ON m.id = o.model_id`;

function toSummary(r: OrderRow, tags: string[]): OrderSummary {
  const params = json<GenerationParams & { modelName?: string }>(r.params, {} as GenerationParams);
  const name = r.model_name ?? params.modelName ?? null;
  return {
    id: r.id,
    title: r.title,
    status: r.status,
    engine: r.engine,
    endpointId: r.endpoint_id,
    model: name ? { id: r.model_id, name } : null,
    params,
    itemCount: r.item_count,
    completeCount: r.complete_count,
    failedCount: r.failed_count,
    cancelledCount: r.cancelled_count,
    jobId: r.job_id,
    projectId: r.project_id,
    destination: r.destination,
    workspaceSessionId: r.workspace_session_id,
    sourcePrompt: r.source_prompt,
    warnings: json<string[]>(r.warnings, []),
    tags,
    createdBy: r.created_by,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

function toItem(r: ItemRow): OrderItemInfo {
  return {
    id: r.id,
    seq: r.seq,
    status: r.status,
    params: json(r.generation_params, {} as GenerationParams),
    actual: json(r.actual_params, null),
    returned: json(r.returned_params, null),
    providerRequestId: r.provider_request_id,
    endpointId: r.endpoint_id,
    jobId: r.job_id,
    assetIds: json<string[]>(r.asset_ids, []),
    workspaceItemIds: r.workspace_item_ids ? r.workspace_item_ids.split(',') : [],
    retries: r.retries,
    error: r.error,
    warnings: json<string[]>(r.warnings, []),
    progress: r.status === 'complete' ? 1 : (r.progress ?? 0),
    progressMessage: r.status === 'generating' ? r.progress_message : null,
  };
}

export function orderRow(core: Atelier, id: string): OrderRow {
  const r = statements(core.sqlite).all(`${orderSelect} WHERE o.id = ?`, [id])[0] as
    | OrderRow
    | undefined;
  if (!r) throw new AppError('not_found', `No order ${id}`);
  return r;
}

export function getOrder(core: Atelier, id: string): OrderDetail {
  const order = toSummary(orderRow(core, id), tagsOfEntity(core.sqlite, 'order', id));
  const items = statements(core.sqlite).all(
    `SELECT i.*, j.progress, j.progress_message,
       (SELECT group_concat(w.id) FROM workspace_items w WHERE w.order_item_id = i.id) AS workspace_item_ids
     FROM order_items i LEFT JOIN jobs j ON j.id = i.job_id
     WHERE i.order_id = ? ORDER BY i.seq`,
    [id],
  ) as ItemRow[];
  return { ...order, items: items.map(toItem) };
}

export function listOrders(
  core: Atelier,
  opts: {
    status?: OrderStatusName[];
    limit: number;
    before?: string;
    createdBy?: string;
    projectId?: string;
  },
): OrderSummary[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (opts.status?.length) {
    where.push(`o.status IN (${opts.status.map(() => '?').join(', ')})`);
    args.push(...opts.status);
  }
  if (opts.before) {
    where.push(`o.created_at < (SELECT created_at FROM orders WHERE id = ?)`);
    args.push(opts.before);
  }
  if (opts.projectId) {
    where.push(`o.project_id = ?`);
    args.push(opts.projectId);
  }
  if (opts.createdBy) {
    where.push(`o.created_by = ?`);
    args.push(opts.createdBy);
  }
  const rows = statements(core.sqlite).all(
    `${orderSelect} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY o.created_at DESC, o.id DESC LIMIT ?`,
    [...args, opts.limit],
  ) as OrderRow[];
  const tags = tagsByEntity(
    core.sqlite,
    'order',
    rows.map((r) => r.id),
  );
  return rows.map((r) => toSummary(r, tags.get(r.id) ?? []));
}

export function itemRow(core: Atelier, itemId: string): ItemRow {
  const r = statements(core.sqlite).all(
    `SELECT i.*, NULL AS progress, NULL AS progress_message FROM order_items i WHERE i.id = ?`,
    [itemId],
  )[0] as ItemRow | undefined;
  if (!r) throw new AppError('not_found', `No order item ${itemId}`);
  return r;
}

/** What an item's run learnt: as sent, as returned, the engine's request id, warnings, outputs. */
export function updateItem(
  core: Atelier,
  itemId: string,
  patch: {
    actual?: unknown;
    returned?: unknown;
    providerRequestId?: string | null;
    endpointId?: string | null;
    assetIds?: string[];
    warnings?: string[];
  },
): void {
  const sets: string[] = [];
  const args: unknown[] = [];
  const put = (col: string, v: unknown) => {
    sets.push(`${col} = ?`);
    args.push(v);
  };
  if (patch.actual !== undefined) put('actual_params', JSON.stringify(patch.actual));
  if (patch.returned !== undefined) put('returned_params', JSON.stringify(patch.returned));
  if (patch.providerRequestId !== undefined) put('provider_request_id', patch.providerRequestId);
  if (patch.endpointId !== undefined) put('endpoint_id', patch.endpointId);
  if (patch.assetIds !== undefined) put('asset_ids', JSON.stringify(patch.assetIds));
  if (patch.warnings !== undefined)
    put('warnings', patch.warnings.length ? JSON.stringify(patch.warnings.slice(0, 50)) : null);
  if (!sets.length) return;
  put('updated_at', nowIso());
  statements(core.sqlite)
    .get(`UPDATE order_items SET ${sets.join(', ')} WHERE id = ?`)
    .run(...args, itemId);
}

/** The order an item job belongs to, for the `orders.changed` event. */
export function orderOfJob(
  core: Atelier,
  jobId: string,
): { orderId: string; itemId: string } | null {
  const r = statements(core.sqlite).all(`SELECT order_id, id FROM order_items WHERE job_id = ?`, [
    jobId,
  ])[0] as { order_id: string; id: string } | undefined;
  return r ? { orderId: r.order_id, itemId: r.id } : null;
}

export function orderOfBatch(core: Atelier, jobId: string): string | null {
  const r = statements(core.sqlite).all(`SELECT id FROM orders WHERE job_id = ?`, [jobId])[0] as
    | { id: string }
    | undefined;
  return r?.id ?? null;
}
