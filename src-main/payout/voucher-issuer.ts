import { randomInt } from 'node:crypto';
import type { NewVoucher } from '../store/voucher.repo';
import { encodeVoucher, newVoucherNumber } from './voucher-code';
import type { VoucherKeys } from './voucher-keys';

const DAY_MS = 86_400_000;

export interface VoucherIssuerDeps {
  readonly keys: VoucherKeys;
  readonly machineId: string;
  readonly expiryDays: number;
  /** The money value of some points, or null where the machine prices no money. */
  readonly moneyOf: (points: number) => { amount: number; currency: string } | null;
  /** Whether a number is already used on this machine (the store's unique index backs this up). */
  readonly numberTaken: (number: string) => boolean;
  readonly randomDigit?: () => number;
}

/**
 * Signs a new voucher for a closing session (called inside the close transaction, with its final
 * points); none for a session without points.
 */
export function createVoucherIssuer(d: VoucherIssuerDeps): (points: number, at: number) => NewVoucher | null {
  const digit = d.randomDigit ?? (() => randomInt(10));
  return (points, at) => {
    if (points <= 0) return null;
    let number = newVoucherNumber(digit);
    // 10^12 numbers: a clash is rare, and settled by drawing again.
    for (let tries = 0; d.numberTaken(number); tries++) {
      if (tries > 100) throw new Error('no free voucher number after 100 draws (is the random source broken?)');
      number = newVoucherNumber(digit);
    }
    const value = d.moneyOf(points);
    const expiresAt = at + d.expiryDays * DAY_MS;
    const payload = encodeVoucher(
      { machineId: d.machineId, number, points, value, issuedAt: at, expiresAt },
      d.keys.privateKey,
    );
    return { id: `${d.machineId}-${number}`, number, payload, value, expiresAt };
  };
}
