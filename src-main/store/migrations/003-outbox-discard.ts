import type { Migration } from './migration';

/**
 * A technician may discard a quarantined delivery (audited): the outbox gets a `discarded` status.
 * SQLite cannot change a CHECK constraint in place, so the table is rebuilt with its rows and indexes.
 */
export const migration003: Migration = {
  version: 3,
  name: 'outbox-discard',
  up: `
    CREATE TABLE outbox_new (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      idempotency_key TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      ordering_key TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'in_flight', 'done', 'quarantined', 'discarded')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      last_error TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      progress TEXT
    ) STRICT;
    INSERT INTO outbox_new (id, idempotency_key, kind, ordering_key, payload, status, attempts, next_attempt_at,
                            last_error, created_at, updated_at, progress)
      SELECT id, idempotency_key, kind, ordering_key, payload, status, attempts, next_attempt_at,
             last_error, created_at, updated_at, progress FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_new RENAME TO outbox;
    CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
    CREATE INDEX outbox_order ON outbox (ordering_key, id);
  `,
};
