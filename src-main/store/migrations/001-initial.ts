import type { Migration } from './migration';

/** Sessions, items, vouchers, the outbox, the audit log and settings. */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE sessions (
      id TEXT PRIMARY KEY,
      status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
      identity TEXT CHECK (identity IN ('member', 'guest', 'donation', 'voucher')),
      member_id TEXT,
      opened_at INTEGER NOT NULL,
      closed_at INTEGER,
      close_reason TEXT,
      accepted_count INTEGER NOT NULL DEFAULT 0 CHECK (accepted_count >= 0),
      rejected_count INTEGER NOT NULL DEFAULT 0 CHECK (rejected_count >= 0),
      total_points INTEGER NOT NULL DEFAULT 0 CHECK (total_points >= 0),
      offline INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX sessions_open ON sessions (status) WHERE status = 'open';
    CREATE INDEX sessions_opened_at ON sessions (opened_at);

    CREATE TABLE items (
      id TEXT PRIMARY KEY,
      session_id TEXT NOT NULL REFERENCES sessions (id),
      seq INTEGER NOT NULL,
      accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
      class_name TEXT NOT NULL,
      material TEXT,
      confidence REAL NOT NULL,
      reason TEXT,
      points INTEGER NOT NULL DEFAULT 0 CHECK (points >= 0),
      barcode TEXT,
      weight_g REAL,
      created_at INTEGER NOT NULL,
      UNIQUE (session_id, seq)
    ) STRICT;
    CREATE INDEX items_created_at ON items (created_at);

    CREATE TABLE vouchers (
      id TEXT PRIMARY KEY,
      session_id TEXT NOT NULL UNIQUE REFERENCES sessions (id),
      points INTEGER NOT NULL CHECK (points >= 0),
      payload TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      redeemed_at INTEGER
    ) STRICT;

    CREATE TABLE outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      idempotency_key TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      ordering_key TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'in_flight', 'done', 'quarantined')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      last_error TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
    CREATE INDEX outbox_order ON outbox (ordering_key, id);

    CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      detail TEXT,
      result TEXT NOT NULL
    ) STRICT;

    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  `,
};
