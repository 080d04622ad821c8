import type { SessionRepo } from '../../src-main/store/session.repo';
import type { NewVoucher } from '../../src-main/store/voucher.repo';

/**
 * A voucher session closed in a real store: one accepted PET bottle of `points` (none for 0), its
 * voucher issued by `issue` as the deposit flow does at the close. Returns the voucher (null without points).
 */
export function closeVoucherSession(
  sessions: SessionRepo,
  id: string,
  points: number,
  issue: (points: number, at: number) => NewVoucher | null,
  at = Date.now(),
): NewVoucher | null {
  sessions.open(id, { kind: 'voucher' }, at, false);
  if (points > 0) {
    sessions.addItem({
      id: `${id}-1`,
      sessionId: id,
      accepted: true,
      className: 'bottle',
      material: 'pet',
      confidence: 0.9,
      reason: null,
      points,
      barcode: null,
      weightG: null,
      at,
    });
  }
  return sessions.close({ sessionId: id, reason: 'finished', at, voucher: (p) => issue(p, at) }).voucher;
}
