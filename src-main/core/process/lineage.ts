import { AppError } from '../../contract/errors';
import type { Lineage, LineageNode } from '../../contract/process';
import type { Atelier } from '../app/atelier';
import { parseJson, stmt } from '../jobs/jobStore';
import { upstreamGraph } from './lineageGraph';

interface Row {
  id: string;
  filename: string;
  type: LineageNode['type'];
  derived_from: string | null;
  derivation: string | null;
  is_upscaled: number;
  job_id: string | null;
  created_at: string;
}

const cols = 'id, filename, type, derived_from, derivation, is_upscaled, job_id, created_at';
const toNode = (r: Row): LineageNode => ({
  id: r.id,
  filename: r.filename,
  type: r.type,
  derivedFrom: r.derived_from,
  derivation: parseJson(r.derivation),
  isUpscaled: r.is_upscaled === 1,
  jobId: r.job_id,
  createdAt: r.created_at,
});

/** Both directions of derived_from, bounded so a pathological graph cannot stall the main thread. */
export function lineageOf(core: Atelier, assetId: string): Lineage {
  const db = core.sqlite;
  const get = (id: string) =>
    stmt(db, `SELECT ${cols} FROM assets WHERE id = ? AND deleted_at IS NULL`).get(id) as
      | Row
      | undefined;
  const self = get(assetId);
  if (!self) throw new AppError('not_found', `No asset ${assetId}`);
  const ancestors: LineageNode[] = [];
  const seen = new Set([self.id]);
  let cur = self.derived_from;
  while (cur && !seen.has(cur) && ancestors.length < 100) {
    seen.add(cur);
    const r = get(cur);
    if (!r) break;
    ancestors.push(toNode(r));
    cur = r.derived_from;
  }
  const descendants: LineageNode[] = [];
  let frontier = [self.id];
  while (frontier.length && descendants.length < 500) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const r of stmt(
        db,
        `SELECT ${cols} FROM assets WHERE derived_from = ? AND deleted_at IS NULL ORDER BY created_at LIMIT 500`,
      ).all(id) as Row[]) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        descendants.push(toNode(r));
        next.push(r.id);
      }
    }
    frontier = next;
  }
  return {
    asset: toNode(self),
    ancestors,
    descendants: descendants.slice(0, 500),
    graph: upstreamGraph(db, assetId),
  };
}
