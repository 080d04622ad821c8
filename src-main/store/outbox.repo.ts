import type { Db } from './database';
import { parseJobBody, type NewOutboxJobBody, type OutboxJobBody, type OutboxJobKind } from './outbox-jobs';

export type OutboxStatus = 'pending' | 'in_flight' | 'done' | 'quarantined' | 'discarded';

/** A job as stored, whatever its payload holds (maintenance lists, audit records). */
export interface StoredOutboxJob {
  readonly id: number;
  readonly idempotencyKey: string;
  readonly kind: string;
  /** Jobs with the same ordering key (a session) are delivered strictly in id order. */
  readonly orderingKey: string;
  /** The payload as stored: parsed JSON, or the raw text when it is not JSON. */
  readonly payload: unknown;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly createdAt: number;
  /** What earlier attempts achieved (e.g. the platform's id for a two-step delivery), or null. */
  readonly progress: unknown;
}

/** A claimed job: its payload parsed against its kind's schema (switch on `kind`). */
export type OutboxJob = Omit<StoredOutboxJob, 'kind' | 'payload'> & OutboxJobBody;
/** A claimed job of one kind. */
export type OutboxJobOf<K extends OutboxJobKind> = Extract<OutboxJob, { readonly kind: K }>;

export type NewOutboxJob = NewOutboxJobBody & {
  readonly idempotencyKey: string;
  readonly orderingKey: string;
};

interface Row {
  id: number;
  idempotency_key: string;
  kind: string;
  ordering_key: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  progress: string | null;
}

/** JSON text as a value; text that is not JSON stays text (a damaged row must still be listed). */
function readJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const meta = (r: Row): Omit<StoredOutboxJob, 'kind' | 'payload'> => ({
  id: r.id,
  idempotencyKey: r.idempotency_key,
  orderingKey: r.ordering_key,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  progress: readJson(r.progress),
});

const toStored = (r: Row): StoredOutboxJob => ({ ...meta(r), kind: r.kind, payload: readJson(r.payload) });

/**
 * The durable delivery queue. `enqueue` is meant to run inside the caller's transaction, next to
 * the rows the job describes, so a job exists exactly when its data does.
 */
export class OutboxRepo {
  readonly #insert;
  readonly #claimable;
  readonly #markInFlight;
  readonly #complete;
  readonly #fail;
  readonly #quarantine;
  readonly #release;
  readonly #counts;
  readonly #progress;
  readonly #dueNow;

  constructor(private readonly db: Db) {
    this.#insert = db.prepare(
      `INSERT INTO outbox (idempotency_key, kind, ordering_key, payload, status, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
    );
    // Due, and no earlier job of the same ordering key still waiting, in flight or quarantined.
    this.#claimable = db.prepare(
      `SELECT * FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= ?
         AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.ordering_key = o.ordering_key AND p.id < o.id
                         AND p.status IN ('pending', 'in_flight', 'quarantined'))
       ORDER BY o.id LIMIT ?`,
    );
    this.#markInFlight = db.prepare(
      `UPDATE outbox SET status = 'in_flight', attempts = attempts + 1, updated_at = ? WHERE id = ?`,
    );
    this.#complete = db.prepare(
      `UPDATE outbox SET status = 'done', last_error = NULL, updated_at = ? WHERE id = ? AND status = 'in_flight'`,
    );
    this.#fail = db.prepare(
      `UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ? AND status = 'in_flight'`,
    );
    this.#quarantine = db.prepare(
      `UPDATE outbox SET status = 'quarantined', last_error = ?, updated_at = ? WHERE id = ? AND status IN ('in_flight', 'pending')`,
    );
    this.#release = db.prepare(`UPDATE outbox SET status = 'pending', updated_at = ? WHERE status = 'in_flight'`);
    this.#dueNow = db.prepare(
      `UPDATE outbox SET next_attempt_at = ?, updated_at = ? WHERE status = 'pending' AND next_attempt_at > ?`,
    );
    this.#progress = db.prepare(`UPDATE outbox SET progress = ?, updated_at = ? WHERE id = ?`);
    this.#counts = db.prepare(`SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox GROUP BY status`);
  }

  /** Adds a job; a second job with the same idempotency key is a programming error and throws. */
  enqueue(job: NewOutboxJob, now: number): number {
    const info = this.#insert.run(
      job.idempotencyKey,
      job.kind,
      job.orderingKey,
      JSON.stringify(job.payload),
      now,
      now,
      now,
    );
    return Number(info.lastInsertRowid);
  }

  /**
   * Takes up to `limit` due jobs for delivery (at most one per ordering key at a time), each payload
   * parsed against its kind's schema, once, here. A job that does not parse (damaged, an unknown kind)
   * is never handed out: it is quarantined with the reason (its `lastError`), told to `unreadable`, and
   * the claim goes on with the next jobs.
   */
  claim(now: number, limit = 10, unreadable?: (job: StoredOutboxJob) => void): OutboxJob[] {
    const parked: StoredOutboxJob[] = [];
    const jobs = this.db.transaction(() => {
      const claimed: OutboxJob[] = [];
      while (claimed.length < limit) {
        // The query yields at most one job per ordering key: the earliest one still open.
        const rows = this.#claimable.all(now, limit - claimed.length) as Row[];
        if (rows.length === 0) break;
        for (const row of rows) {
          const parsed = parseJobBody({ id: row.id, idempotencyKey: row.idempotency_key, kind: row.kind }, row.payload);
          if (parsed.ok) {
            this.#markInFlight.run(now, row.id);
            claimed.push({ ...meta({ ...row, status: 'in_flight', attempts: row.attempts + 1 }), ...parsed.body });
          } else {
            // No longer pending, so the next query moves past it (and holds back the rest of its session).
            this.quarantine(row.id, parsed.reason, now);
            parked.push({ ...toStored(row), status: 'quarantined', lastError: parsed.reason });
          }
        }
      }
      return claimed;
    })();
    for (const job of parked) unreadable?.(job);
    return jobs;
  }

  /**
   * When the earliest job that could be claimed (no earlier job of its session still open) falls
   * due; null when none waits. The worker sleeps until then instead of polling.
   */
  nextDueAt(): number | null {
    const row = this.db
      .prepare(
        `SELECT MIN(o.next_attempt_at) AS at FROM outbox o WHERE o.status = 'pending'
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.ordering_key = o.ordering_key AND p.id < o.id
                           AND p.status IN ('pending', 'in_flight', 'quarantined'))`,
      )
      .get() as { at: number | null };
    return row.at;
  }

  /** The platform is reachable again: every waiting job is due now, whatever its back-off said. */
  dueNow(now: number): number {
    return this.#dueNow.run(now, now, now).changes;
  }

  /** Records a step of a multi-request delivery, durably, before the next request is sent. */
  saveProgress(id: number, progress: unknown, now: number): void {
    this.#progress.run(JSON.stringify(progress), now, id);
  }

  complete(id: number, now: number): boolean {
    return this.#complete.run(now, id).changes === 1;
  }

  /** Delivery failed for a passing reason: try again at `retryAt`. */
  fail(id: number, retryAt: number, error: string, now: number): boolean {
    return this.#fail.run(retryAt, error.slice(0, 2000), now, id).changes === 1;
  }

  /** Delivery can never succeed as is (validation, 4xx): park it for a technician. */
  quarantine(id: number, reason: string, now: number): boolean {
    return this.#quarantine.run(reason.slice(0, 4000), now, id).changes === 1;
  }

  /**
   * A technician's decision on a quarantined job, with its audit record, in one transaction:
   * `retry` puts it back in the queue, due now; `discard` gives it up for good (the local records stay).
   * Returns false when the job is not quarantined (already handled).
   */
  resolveQuarantined(
    id: number,
    decision: { action: 'retry' | 'discard'; actor: string; reason?: string | undefined },
    now: number,
  ): boolean {
    return this.db.transaction(() => {
      const job = this.get(id);
      if (!job || job.status !== 'quarantined') return false;
      const status = decision.action === 'retry' ? 'pending' : 'discarded';
      this.db
        .prepare(`UPDATE outbox SET status = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`)
        .run(status, now, now, id);
      this.db.prepare(`INSERT INTO audit_log (at, actor, action, detail, result) VALUES (?, ?, ?, ?, 'ok')`).run(
        now,
        decision.actor,
        `outbox.${decision.action}`,
        JSON.stringify({
          job: id,
          kind: job.kind,
          key: job.idempotencyKey,
          lastError: job.lastError,
          ...(decision.reason ? { reason: decision.reason } : {}),
        }),
      );
      return true;
    })();
  }

  /** At start-up: jobs a dead process had in flight go back to pending (delivery is idempotent). */
  releaseInFlight(now: number): number {
    return this.#release.run(now).changes;
  }

  /** Jobs in one state, oldest first (maintenance shows the quarantined ones). */
  list(status: OutboxStatus, limit = 100): StoredOutboxJob[] {
    const rows = this.db
      .prepare('SELECT * FROM outbox WHERE status = ? ORDER BY id LIMIT ?')
      .all(status, limit) as Row[];
    return rows.map(toStored);
  }

  get(id: number): StoredOutboxJob | undefined {
    const row = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as Row | undefined;
    return row && toStored(row);
  }

  stats(): Record<OutboxStatus, { count: number; oldestCreatedAt: number | null }> {
    const result = {
      pending: { count: 0, oldestCreatedAt: null },
      in_flight: { count: 0, oldestCreatedAt: null },
      done: { count: 0, oldestCreatedAt: null },
      quarantined: { count: 0, oldestCreatedAt: null },
      discarded: { count: 0, oldestCreatedAt: null },
    } as Record<OutboxStatus, { count: number; oldestCreatedAt: number | null }>;
    for (const row of this.#counts.all() as Array<{ status: OutboxStatus; n: number; oldest: number }>) {
      result[row.status] = { count: row.n, oldestCreatedAt: row.oldest };
    }
    return result;
  }
}
