import type { Migration } from './migration';

/**
 * An accepted item is credited only after the controller confirms it went in. While the machine moves
 * it, the item is held here (committed before the command is sent): a refusal settles it as rejected,
 * a confirmation as credited, and a restart that lost the answer credits it at recovery.
 */
export const migration004: Migration = {
  version: 4,
  name: 'held-items',
  up: `
    CREATE TABLE held_items (
      id TEXT PRIMARY KEY,
      session_id TEXT NOT NULL REFERENCES sessions (id),
      item TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX held_items_session ON held_items (session_id);
  `,
};
