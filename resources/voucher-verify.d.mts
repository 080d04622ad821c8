import type { KeyObject } from 'node:crypto';

/** Types of the standalone verifier (voucher-verify.mjs), for the project's own tests. */
export function loadPublicKey(text: string): KeyObject;
export function verifyVoucher(
  code: string,
  publicKey: KeyObject,
  now?: number,
): {
  ok: boolean;
  reason: string;
  voucher?: {
    machineId: string;
    number: string;
    points: number;
    value: { amount: number; currency: string } | null;
    issuedAt: string;
    expiresAt: string;
  };
};
