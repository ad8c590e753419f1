import type BetterSqlite3 from 'better-sqlite3';

/**
 * Grid queries are built from a handful of filters, so a small set of SQL texts repeats all
 * day: preparing each once saves the parse on every page. Bounded, oldest dropped first.
 */
export class StatementCache {
  private readonly map = new Map<string, BetterSqlite3.Statement>();
  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly max = 200,
  ) {}

  get(sql: string): BetterSqlite3.Statement {
    let stmt = this.map.get(sql);
    if (stmt) {
      this.map.delete(sql);
      this.map.set(sql, stmt);
      return stmt;
    }
    stmt = this.sqlite.prepare(sql);
    this.map.set(sql, stmt);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return stmt;
  }

  all(sql: string, params: unknown[]): unknown[] {
    return this.get(sql).all(...params);
  }
}

const caches = new WeakMap<BetterSqlite3.Database, StatementCache>();

export function statements(sqlite: BetterSqlite3.Database): StatementCache {
  let c = caches.get(sqlite);
  if (!c) caches.set(sqlite, (c = new StatementCache(sqlite)));
  return c;
}
