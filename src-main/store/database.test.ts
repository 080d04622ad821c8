import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { openStore, SCHEMA_VERSION, schemaVersion, StoreError } from './database';
import { MIGRATIONS } from './migrations';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
function dbPath() {
  const t = tempDir('rvm-db-');
  dirs.push(t);
  return join(t.dir, 'data', 'rvm.db');
}

describe('openStore', () => {
  it('creates the file in WAL mode with synchronous=FULL and the current schema', () => {
    const { db, migrated } = openStore(dbPath());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(migrated).toEqual(MIGRATIONS.map((m) => m.version));
    db.close();
  });

  it('migrations upgrade an empty database (version 0) one by one and a second open changes nothing', () => {
    const path = dbPath();
    openStore(path, MIGRATIONS.slice(0, 0)).db.close();
    const first = openStore(path, MIGRATIONS.slice(0, 1));
    expect(first.migrated).toEqual([1]);
    const tables = first.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining(['audit_log', 'items', 'outbox', 'sessions', 'settings', 'vouchers']),
    );
    first.db.close();
    // 002 adds the platform columns to a database 001 made.
    const second = openStore(path, MIGRATIONS.slice(0, 2));
    expect(second.migrated).toEqual([2]);
    const columns = (table: string) =>
      (second.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
    expect(columns('sessions')).toEqual(expect.arrayContaining(['platform_session', 'member_name']));
    expect(columns('outbox')).toContain('progress');
    second.db
      .prepare(
        `INSERT INTO outbox (idempotency_key, kind, ordering_key, payload, status, next_attempt_at, created_at, updated_at, progress)
         VALUES ('item:1', 'deposit.item', 's1', '{}', 'quarantined', 5, 5, 5, '{"depositId":9}')`,
      )
      .run();
    second.db.close();
    // 003 rebuilds the outbox to allow 'discarded', keeping its rows.
    const third = openStore(path, MIGRATIONS.slice(0, 3));
    expect(third.migrated).toEqual([3]);
    expect(third.db.prepare('SELECT idempotency_key, status, progress FROM outbox').all()).toEqual([
      { idempotency_key: 'item:1', status: 'quarantined', progress: '{"depositId":9}' },
    ]);
    third.db.prepare(`UPDATE outbox SET status = 'discarded'`).run();
    expect(() => third.db.prepare(`UPDATE outbox SET status = 'lost'`).run()).toThrow(/CHECK/);
    third.db.close();
    // 004 adds the table that holds an item while the controller takes it in.
    const fourth = openStore(path, MIGRATIONS.slice(0, 4));
    expect(fourth.migrated).toEqual([4]);
    expect(fourth.db.prepare('SELECT COUNT(*) FROM held_items').pluck().get()).toBe(0);
    fourth.db
      .prepare(
        `INSERT INTO sessions (id, status, identity, opened_at, offline) VALUES ('s1', 'closed', 'voucher', 1, 0)`,
      )
      .run();
    fourth.db
      .prepare(
        `INSERT INTO vouchers (id, session_id, points, payload, created_at) VALUES ('V1', 's1', 20, 'RVMV1.V1.20.x', 1)`,
      )
      .run();
    fourth.db.close();
    // 005: signed vouchers' number, value, expiry and redemption; an older voucher keeps its row, number null.
    const fifth = openStore(path, MIGRATIONS.slice(0, 5));
    expect(fifth.migrated).toEqual([5]);
    expect(
      fifth.db.prepare('SELECT id, number, expires_at AS expiresAt, redeemed_by AS by FROM vouchers').all(),
    ).toEqual([{ id: 'V1', number: null, expiresAt: null, by: null }]);
    fifth.db.close();
    // 006: the durable queue of alert notifications.
    const sixth = openStore(path, MIGRATIONS.slice(0, 6));
    expect(sixth.migrated).toEqual([6]);
    expect(sixth.db.prepare('SELECT COUNT(*) FROM alert_notifications').pluck().get()).toBe(0);
    sixth.db.close();
    const again = openStore(path);
    expect(again.migrated).toEqual([]);
    again.db.close();
  });

  it('refuses a database written by a newer app, unchanged', () => {
    const path = dbPath();
    openStore(path).db.close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    expect(() => openStore(path)).toThrow(/newer than this app/);
  });

  it('refuses a file that is not a database with a reason a technician can act on', () => {
    const path = dbPath();
    openStore(path).db.close();
    writeFileSync(path, 'this is not sqlite '.repeat(500));
    expect(() => openStore(path)).toThrow(StoreError);
    expect(() => openStore(path)).toThrow(/restore a backup/);
  });

  it('applies a migration as a whole or not at all', () => {
    const path = dbPath();
    const broken = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'broken', up: 'CREATE TABLE x (a); SELECT * FROM nope;' },
    ];
    expect(() => openStore(path, broken)).toThrow(StoreError);
    const { db } = openStore(path);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'x'").pluck().get()).toBe(0);
    db.close();
  });
});
