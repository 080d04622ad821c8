import type { KeyObject } from 'node:crypto';
import type { AuditRepo } from '../store/audit.repo';
import type { VoucherRepo, VoucherRow } from '../store/voucher.repo';
import { isVoucherNumber, readVoucher, VOUCHER_PREFIX, voucherMachineOf } from './voucher-code';

const DAY_MS = 86_400_000;

/** valid: can be redeemed (or, from redeem, was just redeemed); anything else is a refusal, with its reason. */
export type VoucherStatus = 'valid' | 'redeemed' | 'expired' | 'forged' | 'other_machine' | 'unknown' | 'malformed';

export interface VoucherAnswer {
  readonly ok: boolean;
  readonly status: VoucherStatus;
  /** In words, for the till's screen and the log. */
  readonly reason: string;
  readonly voucher: VoucherView | null;
}

export interface VoucherView {
  readonly id: string;
  readonly number: string | null;
  readonly points: number;
  readonly value: { readonly amount: number; readonly currency: string } | null;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly redeemedAt: number | null;
  readonly redeemedBy: string | null;
  readonly printedAt: number | null;
}

export interface VoucherDeskDeps {
  readonly vouchers: VoucherRepo;
  readonly audit: AuditRepo | undefined;
  readonly publicKey: KeyObject;
  readonly machineId: string;
  /** For vouchers issued before signed vouchers (no stored expiry): days after issue. */
  readonly expiryDays: number;
  readonly now: () => number;
}

/**
 * Where a till's scan is checked and redeemed, once: a signed code (QR), the 13-digit number under
 * the barcode, or an older RVMV1 code this machine issued. Every redemption attempt is audited.
 */
export class VoucherDesk {
  readonly #d: VoucherDeskDeps;

  constructor(deps: VoucherDeskDeps) {
    this.#d = deps;
  }

  check(scanned: string): VoucherAnswer {
    const found = this.#find(scanned.trim());
    if ('status' in found) return found;
    const row = found.row;
    const voucher = view(row, this.#d.expiryDays);
    if (row.redeemedAt !== null) {
      const when = new Date(row.redeemedAt).toISOString();
      return refusal('redeemed', `already redeemed at ${when} by ${row.redeemedBy ?? 'unknown'}`, voucher);
    }
    if (this.#d.now() >= voucher.expiresAt) {
      return refusal('expired', `expired at ${new Date(voucher.expiresAt).toISOString()}`, voucher);
    }
    return { ok: true, status: 'valid', reason: `valid: ${row.points} points`, voucher };
  }

  /** Redeems a valid voucher; `by` names the till or person (audited). A second redemption is refused. */
  redeem(scanned: string, by: string): VoucherAnswer {
    const checked = this.check(scanned);
    let answer = checked;
    if (checked.ok && checked.voucher) {
      const at = this.#d.now();
      answer = this.#d.vouchers.redeem(checked.voucher.id, at, by)
        ? {
            ...checked,
            reason: `redeemed: ${checked.voucher.points} points`,
            voucher: { ...checked.voucher, redeemedAt: at, redeemedBy: by },
          }
        : this.check(scanned); // redeemed in between by another till: say by whom
    }
    this.#d.audit?.append({
      at: this.#d.now(),
      actor: by,
      action: 'voucher.redeem',
      detail: answer.voucher?.number ?? answer.voucher?.id ?? scanned.slice(0, 40),
      result: answer.ok ? 'ok' : `refused: ${answer.reason}`,
    });
    return answer;
  }

  #find(scanned: string): { row: VoucherRow } | VoucherAnswer {
    if (isVoucherNumber(scanned)) {
      const row = this.#d.vouchers.byNumber(scanned);
      return row ? { row } : refusal('unknown', 'no voucher with this number was issued by this machine', null);
    }
    if (scanned.startsWith(`${VOUCHER_PREFIX}.`)) {
      // Our key decides, not the id in the code: vouchers issued before this machine got its provisioned id stay ours.
      const read = readVoucher(scanned, this.#d.publicKey);
      if (!read.ok) {
        const machine = voucherMachineOf(scanned);
        if (machine && machine !== this.#d.machineId) {
          return refusal('other_machine', `issued by machine ${machine}, not this one (${this.#d.machineId})`, null);
        }
        return refusal(/signature/.test(read.reason) ? 'forged' : 'malformed', read.reason, null);
      }
      const row = this.#d.vouchers.byNumber(read.voucher.number);
      if (!row || row.payload !== scanned) {
        return refusal(
          'unknown',
          'signed by this machine but not in its records (was the database restored from an older backup?): ask the operator',
          null,
        );
      }
      return { row };
    }
    if (scanned.startsWith('RVMV1.')) {
      const row = this.#d.vouchers.byPayload(scanned);
      return row
        ? { row }
        : refusal('forged', 'not a voucher this machine issued (altered, or from another machine)', null);
    }
    return refusal('malformed', 'not a voucher: scan the QR code or type the 13-digit number under the barcode', null);
  }
}

function refusal(status: VoucherStatus, reason: string, voucher: VoucherView | null): VoucherAnswer {
  return { ok: false, status, reason, voucher };
}

export function view(row: VoucherRow, expiryDays: number): VoucherView {
  return {
    id: row.id,
    number: row.number,
    points: row.points,
    value: row.valueAmount !== null && row.currency ? { amount: row.valueAmount, currency: row.currency } : null,
    issuedAt: row.createdAt,
    expiresAt: row.expiresAt ?? row.createdAt + expiryDays * DAY_MS,
    redeemedAt: row.redeemedAt,
    redeemedBy: row.redeemedBy,
    printedAt: row.printedAt,
  };
}
