import type BetterSqlite3 from 'better-sqlite3';
import { statements } from '../db/statements';

/**
 * Puts what a subtitle file says into the search index beside its asset's other text. The
 * triggers that keep assets_fts cannot read files, so every writer of a subtitle asset (ingest,
 * job outputs, a re-read) calls this after its row is written; an empty text clears it.
 */
export function indexSaid(
  sqlite: BetterSqlite3.Database,
  assetId: string,
  said: string | null,
): void {
  statements(sqlite)
    .get(`UPDATE assets_fts SET said = ? WHERE rowid = (SELECT rid FROM assets WHERE id = ?)`)
    .run(said ?? '', assetId);
}
