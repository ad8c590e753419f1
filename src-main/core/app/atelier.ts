import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { migrations } from '../../../migrations';
import { acquireDataDirLock, type DataDirLock } from '../datadir/lock';
import { ensureLayout, layoutOf, type DataDirLayout } from '../datadir/dataDir';
import {
  migrateToLatest,
  newerDatabaseError,
  readSchemaState,
  type MigrateResult,
} from '../db/migrate';
import { openDatabase } from '../db/open';
import type { Database } from '../db/schema';
import { EventBus } from '../events/bus';
import { appLog, openAppLog } from '../log/appLog';
import { SettingsStore } from '../settings/settingsStore';
import { killOrphans, trackChildrenIn } from '../util/childProcesses';
import { nowIso, uuidv7 } from '../util/ids';
import { DisposableStore, type Disposable } from './disposable';
import type { Caller, HostKind } from './caller';

export type { HostKind } from './caller';

export interface OpenOptions {
  dataDir: string;
  host: HostKind;
  /** Start background services (watcher, job runner). Off for one-shot CLI commands and some tests. */
  services?: boolean;
}

/** A background service started with the core (the watcher, the job runner…). */
export type ServiceFactory = (core: Atelier) => Disposable | Promise<Disposable>;

const serviceFactories: ServiceFactory[] = [];

/** Domains register their services once at import time; openAtelier starts them in order. */
export function registerService(factory: ServiceFactory): void {
  serviceFactories.push(factory);
}

/**
 * The one object every host holds: the database, the data directory, the event bus and the
 * services. Everything a user can do goes through handlers that take this.
 */
export class Atelier {
  readonly startedAt = nowIso();
  readonly disposables = new DisposableStore();
  readonly settings: SettingsStore;
  /** Folders a served client may name besides the data dir and watched folders (--allow-root). */
  readonly allowedRoots: string[] = [];
  /** The library's local owner: who the desktop app and the CLI act as. */
  localOwner: Caller = { userId: null, role: 'owner', name: 'Owner' };

  constructor(
    readonly host: HostKind,
    readonly layout: DataDirLayout,
    readonly db: Kysely<Database>,
    readonly sqlite: BetterSqlite3.Database,
    readonly events: EventBus,
    readonly migration: MigrateResult,
  ) {
    this.settings = new SettingsStore(db);
  }

  get schemaVersion(): number {
    return this.migration.schemaVersion;
  }

  async dispose(): Promise<void> {
    await this.disposables.dispose();
  }
}

export async function openAtelier(options: OpenOptions): Promise<Atelier> {
  const layout = layoutOf(options.dataDir);
  ensureLayout(layout);
  // Refuse a database from a newer Atelier before taking the lock or changing any byte of it.
  const state = readSchemaState(layout.database, migrations);
  if (state.unknown.length > 0) throw newerDatabaseError(layout.database, state.unknown);

  const lock: DataDirLock = acquireDataDirLock(layout.lock, options.host);
  let opened: ReturnType<typeof openDatabase> | undefined;
  try {
    const isNew = !existsSync(layout.database);
    opened = openDatabase(layout.database);
    const migration = await migrateToLatest(opened.db, layout.database, migrations, state);
    const closeLog = openAppLog(layout.logs);
    // Engines a crashed Atelier left running go before anything is re-queued.
    const pids = path.join(layout.tmp, 'pids');
    const orphans = killOrphans(pids);
    if (orphans.length) appLog.warn('app', `stopped engines left running: ${orphans.join(', ')}`);
    trackChildrenIn(pids);
    appLog.info(
      'app',
      `opened ${layout.root} (${options.host}, schema ${migration.schemaVersion})`,
    );
    const core = new Atelier(
      options.host,
      layout,
      opened.db,
      opened.sqlite,
      new EventBus(),
      migration,
    );
    const db = opened;
    core.disposables.add({ dispose: () => lock.release() });
    core.disposables.add({ dispose: () => db.close() });
    core.disposables.add({ dispose: closeLog });
    if (isNew || migration.applied.length > 0) await ensureOwner(core);
    core.localOwner = await ownerOf(core);
    if (options.services !== false) {
      for (const factory of serviceFactories) core.disposables.add(await factory(core));
    }
    return core;
  } catch (err) {
    try {
      await opened?.close();
    } finally {
      lock.release();
    }
    throw err;
  }
}

async function ownerOf(core: Atelier): Promise<Caller> {
  const row = await core.db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('role', '=', 'owner')
    .orderBy('created_at')
    .executeTakeFirst();
  return { userId: row?.id ?? null, role: 'owner', name: row?.name ?? 'Owner' };
}

/** Desktop use has one local owner and no password; created on first run. */
async function ensureOwner(core: Atelier): Promise<void> {
  const existing = await core.db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'owner')
    .executeTakeFirst();
  if (existing) return;
  const at = nowIso();
  let name = 'Owner';
  try {
    name = os.userInfo().username || name;
  } catch {}
  await core.db
    .insertInto('users')
    .values({
      id: uuidv7(),
      name,
      email: null,
      password_hash: null,
      role: 'owner',
      created_at: at,
      updated_at: at,
    })
    .execute();
}
