import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'RVMV1';

const sign = (secret: Buffer, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

/** The text in the voucher QR: id and points, signed so a cashier or the app can verify it. */
export function voucherPayload(secret: Buffer, id: string, points: number): string {
  const body = `${PREFIX}.${id}.${points}`;
  return `${body}.${sign(secret, body)}`;
}

export type VoucherCheck = { ok: true; id: string; points: number } | { ok: false; reason: string };

export function verifyVoucher(secret: Buffer, payload: string): VoucherCheck {
  const parts = payload.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX) return { ok: false, reason: 'not an RVM voucher' };
  const [, id, pointsText, mac] = parts as [string, string, string, string];
  if (!/^\d{1,9}$/.test(pointsText)) return { ok: false, reason: 'points are not a number' };
  const expected = Buffer.from(sign(secret, `${PREFIX}.${id}.${pointsText}`));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature does not match (altered, or from another machine)' };
  }
  return { ok: true, id, points: Number(pointsText) };
}
