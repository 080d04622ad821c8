import type { Db } from './database';

export interface VoucherRow {
  readonly id: string;
  readonly sessionId: string;
  /** 13 digits; null for a voucher issued before signed vouchers (RVMV1). */
  readonly number: string | null;
  readonly points: number;
  readonly valueAmount: number | null;
  readonly currency: string | null;
  /** What the QR carries. */
  readonly payload: string;
  readonly createdAt: number;
  /** Null for an RVMV1 voucher: its expiry counts from createdAt. */
  readonly expiresAt: number | null;
  readonly redeemedAt: number | null;
  readonly redeemedBy: string | null;
  readonly printedAt: number | null;
}

/** A voucher as the session close writes it (with the session's points). */
export interface NewVoucher {
  readonly id: string;
  readonly number: string;
  readonly payload: string;
  readonly value: { readonly amount: number; readonly currency: string } | null;
  readonly expiresAt: number;
}

export type VoucherFilter = 'all' | 'open' | 'redeemed';

const COLUMNS = `id, session_id AS sessionId, number, points, value_amount AS valueAmount, currency, payload,
  created_at AS createdAt, expires_at AS expiresAt, redeemed_at AS redeemedAt, redeemed_by AS redeemedBy,
  printed_at AS printedAt`;
const WHERE: Record<VoucherFilter, string> = {
  all: '1',
  open: 'redeemed_at IS NULL',
  redeemed: 'redeemed_at IS NOT NULL',
};

/** Issued vouchers: looked up by number or code, redeemed once, listed for the shop's accounting. */
export class VoucherRepo {
  readonly #db: Db;
  readonly #sql;

  constructor(db: Db) {
    this.#db = db;
    this.#sql = {
      insert: db.prepare(
        `INSERT INTO vouchers (id, session_id, points, payload, created_at, number, value_amount, currency, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      byNumber: db.prepare(`SELECT ${COLUMNS} FROM vouchers WHERE number = ?`),
      byPayload: db.prepare(`SELECT ${COLUMNS} FROM vouchers WHERE payload = ?`),
      bySession: db.prepare(`SELECT ${COLUMNS} FROM vouchers WHERE session_id = ?`),
      numberTaken: db.prepare(`SELECT 1 FROM vouchers WHERE number = ?`).pluck(),
      redeem: db.prepare(`UPDATE vouchers SET redeemed_at = ?, redeemed_by = ? WHERE id = ? AND redeemed_at IS NULL`),
      printed: db.prepare(`UPDATE vouchers SET printed_at = ? WHERE id = ?`),
    };
  }

  /** Inside the session-close transaction (SessionRepo.close). */
  insert(sessionId: string, points: number, at: number, v: NewVoucher): void {
    this.#sql.insert.run(
      v.id,
      sessionId,
      points,
      v.payload,
      at,
      v.number,
      v.value?.amount ?? null,
      v.value?.currency ?? null,
      v.expiresAt,
    );
  }

  numberTaken(number: string): boolean {
    return this.#sql.numberTaken.get(number) !== undefined;
  }

  byNumber(number: string): VoucherRow | undefined {
    return this.#sql.byNumber.get(number) as VoucherRow | undefined;
  }

  byPayload(payload: string): VoucherRow | undefined {
    return this.#sql.byPayload.get(payload) as VoucherRow | undefined;
  }

  bySession(sessionId: string): VoucherRow | undefined {
    return this.#sql.bySession.get(sessionId) as VoucherRow | undefined;
  }

  /** Marks it redeemed unless it already was: true for the one call that redeemed it. */
  redeem(id: string, at: number, by: string): boolean {
    return this.#sql.redeem.run(at, by, id).changes === 1;
  }

  markPrinted(id: string, at: number): void {
    this.#sql.printed.run(at, id);
  }

  /** Newest first. */
  list(filter: VoucherFilter, limit: number, offset = 0): VoucherRow[] {
    return this.#db
      .prepare(`SELECT ${COLUMNS} FROM vouchers WHERE ${WHERE[filter]} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`)
      .all(limit, offset) as VoucherRow[];
  }

  /** Issued between two instants, oldest first (the CSV export), one row at a time. */
  *between(from: number, to: number): Generator<VoucherRow> {
    const stmt = this.#db.prepare(
      `SELECT ${COLUMNS} FROM vouchers WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id`,
    );
    for (const row of stmt.iterate(from, to)) yield row as VoucherRow;
  }

  counts(): { issued: number; redeemed: number; openPoints: number } {
    return this.#db
      .prepare(
        `SELECT count(*) AS issued, count(redeemed_at) AS redeemed,
           coalesce(sum(CASE WHEN redeemed_at IS NULL THEN points END), 0) AS openPoints FROM vouchers`,
      )
      .get() as { issued: number; redeemed: number; openPoints: number };
  }
}
