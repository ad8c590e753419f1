import type BetterSqlite3 from 'better-sqlite3';
import type { LineageGraphEdge, LineageGraphNode, LinkSourceKind } from '../../contract/process';
import { statements } from '../db/statements';
import { parseJson } from '../jobs/jobStore';

const MAX_NODES = 200;

interface LinkRow {
  role: string;
  source_kind: LinkSourceKind;
  source_id: string;
  details: string | null;
}

/**
 * What an asset was made from, as a graph walked upwards from it: its links (asset_links: the
 * init image, a mask, each LoRA with its weight…), the job that made it (`made_by`), and for
 * each source asset the same again. A job is followed to its batch or order (`part_of`). Bounded
 * at MAX_NODES, so a pathological history cannot stall the main thread.
 */
export function upstreamGraph(
  db: BetterSqlite3.Database,
  assetId: string,
): { nodes: LineageGraphNode[]; edges: LineageGraphEdge[] } {
  const s = statements(db);
  const nodes = new Map<string, LineageGraphNode>();
  const edges: LineageGraphEdge[] = [];
  const node = (kind: LinkSourceKind, id: string): LineageGraphNode => {
    const key = `${kind}:${id}`;
    const known = nodes.get(key);
    if (known) return known;
    const n = describe(db, kind, id);
    nodes.set(key, n);
    return n;
  };
  const queue: LineageGraphNode[] = [node('asset', assetId)];
  const expanded = new Set<string>();
  while (queue.length && nodes.size < MAX_NODES) {
    const from = queue.shift()!;
    if (expanded.has(from.key) || !from.exists) continue;
    expanded.add(from.key);
    const out: { kind: LinkSourceKind; id: string; role: string; details: unknown }[] = [];
    if (from.kind === 'asset') {
      for (const l of s
        .get(
          'SELECT role, source_kind, source_id, details FROM asset_links WHERE asset_id = ? ORDER BY position',
        )
        .all(from.id) as LinkRow[])
        out.push({
          kind: l.source_kind,
          id: l.source_id,
          role: l.role,
          details: parseJson(l.details),
        });
      const job = s.get('SELECT job_id FROM assets WHERE id = ?').get(from.id) as
        | { job_id: string | null }
        | undefined;
      // A generated image names its order item, which says more than the item's job.
      if (job?.job_id && !out.some((o) => o.role === 'made_by'))
        out.push({ kind: 'job', id: job.job_id, role: 'made_by', details: null });
    } else if (from.kind === 'order_item') {
      const order = s
        .get('SELECT o.job_id FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.id = ?')
        .get(from.id) as { job_id: string | null } | undefined;
      if (order?.job_id)
        out.push({ kind: 'job', id: order.job_id, role: 'part_of', details: null });
    } else if (from.kind === 'job' || from.kind === 'training') {
      const parent = s.get('SELECT parent_id FROM jobs WHERE id = ?').get(from.id) as
        | { parent_id: string | null }
        | undefined;
      if (parent?.parent_id)
        out.push({ kind: 'job', id: parent.parent_id, role: 'part_of', details: null });
    }
    for (const o of out) {
      if (nodes.size >= MAX_NODES) break;
      const to = node(o.kind, o.id);
      edges.push({ from: from.key, to: to.key, role: o.role, details: o.details });
      queue.push(to);
    }
  }
  return { nodes: [...nodes.values()], edges };
}

function describe(db: BetterSqlite3.Database, kind: LinkSourceKind, id: string): LineageGraphNode {
  const s = statements(db);
  const base = { key: `${kind}:${id}`, kind, id, assetType: null, exists: true };
  if (kind === 'asset') {
    const a = s.get('SELECT filename, type, deleted_at FROM assets WHERE id = ?').get(id) as
      | { filename: string; type: LineageGraphNode['assetType']; deleted_at: string | null }
      | undefined;
    if (!a) return { ...base, label: '(removed asset)', exists: false };
    return {
      ...base,
      label: a.deleted_at ? `${a.filename} (in the trash)` : a.filename,
      assetType: a.type,
    };
  }
  if (kind === 'model') {
    const m = s.get('SELECT name FROM models WHERE id = ?').get(id) as { name: string } | undefined;
    return m ? { ...base, label: m.name } : { ...base, label: id, exists: false };
  }
  if (kind === 'order_item') {
    const i = s
      .get(
        "SELECT o.title, i.seq, i.params_seed FROM (SELECT order_id, seq, json_extract(generation_params, '$.seed') AS params_seed FROM order_items WHERE id = ?) i JOIN orders o ON o.id = i.order_id",
      )
      .get(id) as { title: string; seq: number; params_seed: number | null } | undefined;
    return i
      ? {
          ...base,
          label: `${i.title} #${i.seq}${i.params_seed !== null ? ` · seed ${i.params_seed}` : ''}`,
        }
      : { ...base, label: '(order no longer listed)', exists: false };
  }
  if (kind === 'job' || kind === 'training') {
    const j = s.get('SELECT title, kind FROM jobs WHERE id = ?').get(id) as
      | { title: string; kind: string }
      | undefined;
    return j
      ? { ...base, label: j.title || j.kind }
      : { ...base, label: '(job no longer listed)', exists: false };
  }
  return { ...base, label: id };
}
