import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import type { Migration } from './migrations/migration';

export type Db = Database.Database;

/** The store cannot be used: the kiosk goes out of service with this reason. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface OpenedStore {
  readonly db: Db;
  readonly path: string;
  /** Migrations applied by this open (empty when the file was current). */
  readonly migrated: readonly number[];
}

/**
 * Opens (or creates) the one database file: WAL with synchronous=FULL so a committed credit
 * survives power loss, foreign keys on, quick_check before anything else, then migrations.
 */
export function openStore(path: string, migrations: readonly Migration[] = MIGRATIONS): OpenedStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path);
  } catch (error) {
    throw new StoreError(`cannot open the database ${path}: ${(error as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok')
      throw new StoreError(`the database ${path} failed quick_check: ${String(check)}; restore a backup`);
    const migrated = migrate(db, migrations, path);
    return { db, path, migrated };
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`the database ${path} cannot be used: ${(error as Error).message}; restore a backup`);
  }
}

function migrate(db: Db, migrations: readonly Migration[], path: string): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StoreError(
      `the database ${path} has schema ${current}, newer than this app's ${latest}; install the newer app or restore a backup`,
    );
  }
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new StoreError(`migration list is broken: #${i + 1} has version ${m.version}`);
  });
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.up);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}

export const schemaVersion = (db: Db): number => db.pragma('user_version', { simple: true }) as number;
export { SCHEMA_VERSION };
