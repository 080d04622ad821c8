import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file';

const PREFIX = 'RVMV1';

/**
 * The machine's own secret for signing vouchers: provisioned into `machine-secret` in the data
 * folder (mode 0600), created on first start when absent. Never logged, never in config views.
 */
export function loadMachineSecret(dataDir: string): Buffer {
  const path = join(dataDir, 'machine-secret');
  if (!existsSync(path)) writeFileAtomic(path, `${randomBytes(32).toString('hex')}\n`, 0o600);
  const hex = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new Error(`${path} is not a 64-character hex secret; restore it from the provisioning record`);
  }
  return Buffer.from(hex, 'hex');
}

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
