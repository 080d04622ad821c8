import type { Db } from './database';

export type NotificationChannel = 'webhook' | 'email';

export interface NotificationJob {
  readonly id: number;
  readonly channel: NotificationChannel;
  readonly key: string;
  readonly payload: string;
  readonly attempts: number;
  readonly createdAt: number;
}

/** Alert notifications waiting to be sent; one row per channel and alert transition. */
export class NotificationRepo {
  readonly #sql;

  constructor(db: Db) {
    this.#sql = {
      enqueue: db.prepare(
        `INSERT OR IGNORE INTO alert_notifications (channel, key, payload, status, next_attempt_at, created_at)
         VALUES (?, ?, ?, 'pending', ?, ?)`,
      ),
      due: db.prepare(
        `SELECT id, channel, key, payload, attempts, created_at AS createdAt FROM alert_notifications
         WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?`,
      ),
      nextDue: db.prepare(`SELECT min(next_attempt_at) FROM alert_notifications WHERE status = 'pending'`).pluck(),
      sent: db.prepare(
        `UPDATE alert_notifications SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?`,
      ),
      retry: db.prepare(
        `UPDATE alert_notifications SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?`,
      ),
      expire: db.prepare(
        `UPDATE alert_notifications SET status = 'expired', attempts = attempts + 1, last_error = ? WHERE id = ?`,
      ),
      dueNow: db.prepare(
        `UPDATE alert_notifications SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ?`,
      ),
      pending: db.prepare(`SELECT count(*) FROM alert_notifications WHERE status = 'pending'`).pluck(),
      prune: db.prepare(`DELETE FROM alert_notifications WHERE status != 'pending' AND created_at < ?`),
    };
  }

  /** False when this channel already has this transition (sent or waiting): each is sent once. */
  enqueue(channel: NotificationChannel, key: string, payload: string, at: number): boolean {
    return this.#sql.enqueue.run(channel, key, payload, at, at).changes === 1;
  }

  due(now: number, limit = 20): NotificationJob[] {
    return this.#sql.due.all(now, limit) as NotificationJob[];
  }

  /** When the next waiting notification is due (epoch ms), or null when none waits. */
  nextDueAt(): number | null {
    return (this.#sql.nextDue.get() as number | null) ?? null;
  }

  markSent(id: number, at: number): void {
    this.#sql.sent.run(at, id);
  }

  retryAt(id: number, at: number, error: string): void {
    this.#sql.retry.run(at, error, id);
  }

  expire(id: number, error: string): void {
    this.#sql.expire.run(error, id);
  }

  /** Everything waiting becomes due now (the link came back, or a technician asked). */
  allDue(now: number): void {
    this.#sql.dueNow.run(now, now);
  }

  pendingCount(): number {
    return this.#sql.pending.get() as number;
  }

  /** Drops sent and expired rows older than `before`. */
  prune(before: number): void {
    this.#sql.prune.run(before);
  }
}
