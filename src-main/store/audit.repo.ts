import type { AuditEntry } from '../../src-preload/contract';
import type { Db } from './database';

/** Who did what, when, and how it went: every maintenance action and PIN attempt. */
export class AuditRepo {
  readonly #insert;
  readonly #list;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO audit_log (at, actor, action, detail, result) VALUES (?, ?, ?, ?, ?)`);
    this.#list = db.prepare(`SELECT id, at, actor, action, detail, result FROM audit_log ORDER BY id DESC LIMIT ?`);
  }

  append(entry: Omit<AuditEntry, 'id'>): void {
    this.#insert.run(entry.at, entry.actor, entry.action, entry.detail, entry.result);
  }

  /** Newest first. */
  list(limit: number): AuditEntry[] {
    return this.#list.all(limit) as AuditEntry[];
  }
}
