import type { Identity, RejectReason } from '../../src-preload/contract';
import type { Db } from './database';
import type { ItemJobPayload } from './outbox-jobs';
import type { OutboxRepo } from './outbox.repo';
import { VoucherRepo, type NewVoucher } from './voucher.repo';

export interface SessionRow {
  readonly id: string;
  readonly status: 'open' | 'closed';
  readonly identity: Identity['kind'] | null;
  readonly memberId: string | null;
  readonly openedAt: number;
  readonly acceptedCount: number;
  readonly rejectedCount: number;
  readonly totalPoints: number;
  /** The platform's reference for this session (v1 session id, v2 session token), when it has one. */
  readonly platformSession: string | null;
  readonly memberName: string | null;
  readonly closedAt: number | null;
}

/**
 * An item as the store records it: the same shape it is queued for delivery in (ItemJobPayload), less
 * its number in the session, which the store assigns. One item type from verdict to delivery.
 */
export type NewItem = Omit<ItemJobPayload, 'seq'>;

/** What the platform is told about each accepted item of a session (v1 session sync): a part of the same item. */
export type DeliveredItem = Pick<
  ItemJobPayload,
  'id' | 'seq' | 'material' | 'className' | 'confidence' | 'points' | 'weightG' | 'barcode' | 'at'
>;

export interface CloseSession {
  readonly sessionId: string;
  readonly reason: string;
  readonly at: number;
  /** Issues the session's voucher for its final points (held items settled); null: no voucher. */
  readonly voucher: ((points: number) => NewVoucher | null) | null;
}

export interface ClosedSession {
  readonly session: SessionRow;
  readonly voucher: NewVoucher | null;
}

/** Sessions, items and vouchers; each write also writes its outbox job in the same transaction. */
export class SessionRepo {
  readonly #db: Db;
  readonly #outbox: OutboxRepo;
  readonly #vouchers: VoucherRepo;
  // Prepared once: an accepted item is on the customer's critical path.
  readonly #sql;

  constructor(db: Db, outbox: OutboxRepo, vouchers = new VoucherRepo(db)) {
    this.#db = db;
    this.#outbox = outbox;
    this.#vouchers = vouchers;
    this.#sql = {
      open: db.prepare(
        `INSERT INTO sessions (id, status, identity, member_id, member_name, platform_session, opened_at, offline)
         VALUES (?, 'open', ?, ?, ?, ?, ?, ?)`,
      ),
      insertItem: db.prepare(
        `INSERT INTO items (id, session_id, seq, accepted, class_name, material, confidence, reason, points, barcode, weight_g, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      addTotals: db.prepare(
        `UPDATE sessions SET accepted_count = accepted_count + ?, rejected_count = rejected_count + ?,
           total_points = total_points + ? WHERE id = ?`,
      ),
      close: db.prepare(
        `UPDATE sessions SET status = 'closed', closed_at = ?, close_reason = ? WHERE id = ? AND status = 'open'`,
      ),
      get: db.prepare(
        `SELECT id, status, identity, member_id AS memberId, opened_at AS openedAt, accepted_count AS acceptedCount,
                rejected_count AS rejectedCount, total_points AS totalPoints, platform_session AS platformSession,
                member_name AS memberName, closed_at AS closedAt FROM sessions WHERE id = ?`,
      ),
      acceptedItems: db.prepare(
        `SELECT id, seq, material, class_name AS className, confidence, points, weight_g AS weightG, barcode,
                created_at AS at FROM items WHERE session_id = ? AND accepted = 1 ORDER BY seq`,
      ),
      openIds: db.prepare(`SELECT id FROM sessions WHERE status = 'open' ORDER BY opened_at`).pluck(),
      pointsSince: db.prepare(`SELECT COALESCE(SUM(points), 0) FROM items WHERE created_at >= ?`).pluck(),
      acceptedSince: db.prepare(`SELECT COUNT(*) FROM items WHERE created_at >= ? AND accepted = 1`).pluck(),
      rejectedSince: db.prepare(`SELECT COUNT(*) FROM items WHERE created_at >= ? AND accepted = 0`).pluck(),
      hold: db.prepare(`INSERT INTO held_items (id, session_id, item, created_at) VALUES (?, ?, ?, ?)`),
      held: db.prepare(`SELECT item FROM held_items WHERE id = ?`).pluck(),
      heldIn: db.prepare(`SELECT id FROM held_items WHERE session_id = ? ORDER BY created_at, id`).pluck(),
      release: db.prepare(`DELETE FROM held_items WHERE id = ?`),
    };
  }

  open(id: string, identity: Identity, at: number, offline: boolean, platformSession: string | null = null): void {
    const member = identity.kind === 'member' ? identity : undefined;
    this.#sql.open.run(
      id,
      identity.kind,
      member?.memberId ?? null,
      member?.name ?? null,
      platformSession,
      at,
      offline ? 1 : 0,
    );
  }

  acceptedItems(sessionId: string): DeliveredItem[] {
    return this.#sql.acceptedItems.all(sessionId) as DeliveredItem[];
  }

  /** Item row, session totals and outbox job: all or nothing. Returns the item's number in the session. */
  addItem(item: NewItem): number {
    return this.#db.transaction(() => {
      const session = this.get(item.sessionId);
      if (!session || session.status !== 'open') throw new Error(`session ${item.sessionId} is not open`);
      const seq = session.acceptedCount + session.rejectedCount + 1;
      this.#sql.insertItem.run(
        item.id,
        item.sessionId,
        seq,
        item.accepted ? 1 : 0,
        item.className,
        item.material,
        item.confidence,
        item.reason,
        item.points,
        item.barcode,
        item.weightG,
        item.at,
      );
      this.#sql.addTotals.run(item.accepted ? 1 : 0, item.accepted ? 0 : 1, item.points, item.sessionId);
      // Rejected items too: the v1 server records them (status REJECTED, with the reason); v2 has no call for them.
      this.#outbox.enqueue(
        {
          idempotencyKey: `item:${item.id}`,
          kind: 'deposit.item',
          orderingKey: item.sessionId,
          payload: { ...item, seq },
        },
        item.at,
      );
      return seq;
    })();
  }

  /**
   * An accepted item the machine is about to take in: held (committed) until the controller answers,
   * so neither a refusal nor a restart in between can credit it twice or lose it.
   */
  holdItem(item: NewItem): void {
    this.#sql.hold.run(item.id, item.sessionId, JSON.stringify(item), item.at);
  }

  /**
   * Settles a held item: credited (the controller took it) or rejected with `reason` (refused or
   * unanswered: handed back, no points). Item row, totals, outbox job and release in one transaction.
   */
  settleItem(id: string, rejectedFor: RejectReason | null = null): number {
    return this.#db.transaction(() => {
      const json = this.#sql.held.get(id) as string | undefined;
      if (json === undefined) throw new Error(`item ${id} is not held`);
      const item = JSON.parse(json) as NewItem;
      this.#sql.release.run(id);
      return this.addItem(rejectedFor ? { ...item, accepted: false, reason: rejectedFor, points: 0 } : item);
    })();
  }

  /** Held items of a session (after a restart, or a disk that was full when the answer came). */
  heldItems(sessionId: string): string[] {
    return this.#sql.heldIn.all(sessionId) as string[];
  }

  /**
   * Closes the session with its voucher (if any) and the session's outbox job, atomically. An item
   * still held is credited first: the controller's answer was lost (restart, full disk), and the
   * customer is given the benefit of the doubt.
   */
  close(close: CloseSession): ClosedSession {
    return this.#db.transaction(() => {
      for (const id of this.heldItems(close.sessionId)) this.settleItem(id);
      const changed = this.#sql.close.run(close.at, close.reason, close.sessionId).changes;
      if (changed !== 1) throw new Error(`session ${close.sessionId} is not open`);
      const session = this.get(close.sessionId)!;
      const voucher = close.voucher?.(session.totalPoints) ?? null;
      if (voucher) this.#vouchers.insert(close.sessionId, session.totalPoints, close.at, voucher);
      this.#outbox.enqueue(
        {
          idempotencyKey: `session:${close.sessionId}`,
          kind: 'deposit.session',
          orderingKey: close.sessionId,
          payload: {
            ...session,
            status: 'closed',
            closedAt: close.at,
            reason: close.reason,
            voucherId: voucher?.id ?? null,
          },
        },
        close.at,
      );
      return { session, voucher };
    })();
  }

  get(id: string): SessionRow | undefined {
    const row = this.#sql.get.get(id);
    return row as SessionRow | undefined;
  }

  openSessions(): SessionRow[] {
    return this.#sql.openIds.all().map((id) => this.get(id as string)!);
  }

  /** Points credited since `since` (ms), for the offline daily cap. */
  pointsSince(since: number): number {
    return this.#sql.pointsSince.get(since) as number;
  }

  /** Items accepted since `since` (ms), for the maintenance screen's items per hour. */
  acceptedSince(since: number): number {
    return this.#sql.acceptedSince.get(since) as number;
  }

  rejectedSince(since: number): number {
    return this.#sql.rejectedSince.get(since) as number;
  }
}

/** Who a stored session was for, as the contract names it (a member without an id counts as a guest). */
export function sessionIdentity(session: Pick<SessionRow, 'identity' | 'memberId'>): Identity {
  const { identity: kind, memberId } = session;
  if (kind === 'member' && memberId) return { kind, memberId };
  return { kind: kind === 'member' || kind === null ? 'guest' : kind };
}
