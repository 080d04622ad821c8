import type { Db } from './database';
import { OutboxRepo, type OutboxStatus } from './outbox.repo';

export interface StoreStats {
  readonly sessions: { readonly open: number; readonly closed: number };
  readonly items: { readonly accepted: number; readonly rejected: number };
  readonly points: { readonly total: number; readonly sinceMidnight: number };
  readonly vouchers: number;
  readonly outbox: Record<OutboxStatus, { count: number; oldestCreatedAt: number | null }>;
}

/** The numbers a technician checks first (`npm run store -- stats`). */
export function storeStats(db: Db, now = Date.now()): StoreStats {
  const one = (sql: string, ...params: unknown[]) =>
    (db
      .prepare(sql)
      .pluck()
      .get(...params) as number | null) ?? 0;
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  return {
    sessions: {
      open: one(`SELECT COUNT(*) FROM sessions WHERE status = 'open'`),
      closed: one(`SELECT COUNT(*) FROM sessions WHERE status = 'closed'`),
    },
    items: {
      accepted: one(`SELECT COUNT(*) FROM items WHERE accepted = 1`),
      rejected: one(`SELECT COUNT(*) FROM items WHERE accepted = 0`),
    },
    points: {
      total: one(`SELECT SUM(points) FROM items`),
      sinceMidnight: one(`SELECT SUM(points) FROM items WHERE created_at >= ?`, midnight.getTime()),
    },
    vouchers: one(`SELECT COUNT(*) FROM vouchers`),
    outbox: new OutboxRepo(db).stats(),
  };
}

export function formatStats(stats: StoreStats, now = Date.now()): string {
  const age = (at: number | null) => (at === null ? '' : ` (oldest ${Math.round((now - at) / 60_000)} min)`);
  const o = stats.outbox;
  return [
    `sessions  open ${stats.sessions.open}, closed ${stats.sessions.closed}`,
    `items     accepted ${stats.items.accepted}, rejected ${stats.items.rejected}`,
    `points    total ${stats.points.total}, today ${stats.points.sinceMidnight}`,
    `vouchers  ${stats.vouchers}`,
    `outbox    pending ${o.pending.count}${age(o.pending.oldestCreatedAt)}, in flight ${o.in_flight.count}, ` +
      `delivered ${o.done.count}, quarantined ${o.quarantined.count}${age(o.quarantined.oldestCreatedAt)}`,
  ].join('\n');
}
