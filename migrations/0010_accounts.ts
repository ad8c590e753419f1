import { sql, type Kysely } from 'kysely';
import { rebuildTable } from './support/rebuildTable';

/** users is rebuilt (its role CHECK gains admin): foreign keys must be off meanwhile. */
export const foreignKeysOff = true;

/**
 * Accounts for served mode, and a ledger of what each job used.
 *
 * - users: roles owner, admin, member; disabled; when they last signed in; an optional daily
 *   GPU-minutes quota. Emails compare without case.
 * - sessions: a browser's sign-in (hashed token) with its user agent, address, last use and its
 *   CSRF token; they slide (each use pushes expires_at out).
 * - api_tokens: bearer tokens for scripts, per user, named and revocable.
 * - audit_log: sign-ins (good and bad) and what admins did.
 * - jobs: the GPU and CPU seconds each held a slot, and the engine and model it used.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await rebuildTable(db, 'users', {
    create: () => `CREATE TABLE users (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      email TEXT UNIQUE COLLATE NOCASE,
      password_hash TEXT,
      role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner','admin','member')),
      disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),
      gpu_minutes_per_day REAL,
      last_sign_in_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
  });
  const statements = [
    `ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT ''`,
    `ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT ''`,
    `ALTER TABLE sessions ADD COLUMN last_seen_at TEXT`,
    `ALTER TABLE sessions ADD COLUMN csrf_token TEXT NOT NULL DEFAULT ''`,
    `CREATE INDEX sessions_user ON sessions(user_id)`,
    `CREATE TABLE api_tokens (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      token_hash TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      last_used_at TEXT,
      revoked_at TEXT
    )`,
    `CREATE INDEX api_tokens_user ON api_tokens(user_id)`,
    `CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
      ip TEXT NOT NULL DEFAULT '',
      action TEXT NOT NULL,
      target TEXT,
      details TEXT
    )`,
    `CREATE INDEX audit_log_at ON audit_log(at DESC, id DESC)`,
    `ALTER TABLE jobs ADD COLUMN gpu_seconds REAL NOT NULL DEFAULT 0`,
    `ALTER TABLE jobs ADD COLUMN cpu_seconds REAL NOT NULL DEFAULT 0`,
    `ALTER TABLE jobs ADD COLUMN engine TEXT`,
    `ALTER TABLE jobs ADD COLUMN model TEXT`,
    // Usage by day and by model read finished jobs by when they finished.
    `CREATE INDEX jobs_finished ON jobs(finished_at) WHERE finished_at IS NOT NULL`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
