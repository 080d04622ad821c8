import { sign, verify, type KeyObject } from 'node:crypto';

/**
 * The voucher a customer takes to the shop's till, as the QR (and the printed text) carries it:
 *
 *   RVM2.<machine id>.<number>.<points>.<value><currency>|-.<issued>.<expires>.<signature>
 *
 * number: 13 digits (12 random, a Luhn check digit), unique on the machine; it alone is the Code128
 * fallback for 1-D scanners, which the machine looks up (it is not signed). issued/expires: Unix
 * seconds in base 36. signature: Ed25519 over everything before the last dot, base64url. A till
 * checks a QR offline with the machine's public key (resources/voucher-verify.mjs); only the machine
 * knows whether it was redeemed.
 */
export const VOUCHER_PREFIX = 'RVM2';

export interface VoucherFields {
  readonly machineId: string;
  readonly number: string;
  readonly points: number;
  /** Money value in currency units (e.g. 1230 IDR, 0.5 EUR); null where the machine prices no money. */
  readonly value: { readonly amount: number; readonly currency: string } | null;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export type VoucherRead = { ok: true; voucher: VoucherFields } | { ok: false; reason: string };

const MACHINE_ID = /^[A-Z0-9-]{2,16}$/;
const NUMBER = /^\d{13}$/;
const VALUE = /^(\d{1,12}(?:\.\d{1,4})?)([A-Z]{3})$/;
const SECONDS36 = /^[0-9a-z]{1,8}$/;

export function encodeVoucher(fields: VoucherFields, privateKey: KeyObject): string {
  const value = fields.value ? `${trimAmount(fields.value.amount)}${fields.value.currency}` : '-';
  const body = [
    VOUCHER_PREFIX,
    fields.machineId,
    fields.number,
    String(fields.points),
    value,
    Math.floor(fields.issuedAt / 1000).toString(36),
    Math.floor(fields.expiresAt / 1000).toString(36),
  ].join('.');
  return `${body}.${sign(null, Buffer.from(body), privateKey).toString('base64url')}`;
}

/** Parses a scanned code and checks its signature; says why when it is not a genuine voucher of that key. */
export function readVoucher(code: string, publicKey: KeyObject): VoucherRead {
  const parts = code.trim().split('.');
  if (parts[0] !== VOUCHER_PREFIX) return { ok: false, reason: 'not an RVM voucher code (it should start RVM2.)' };
  if (parts.length !== 8) return { ok: false, reason: 'the code is incomplete or has extra parts (misread?)' };
  const [, machineId = '', number = '', points = '', value = '', issued = '', expires = '', signature = ''] = parts;
  if (!MACHINE_ID.test(machineId)) return { ok: false, reason: 'the machine id in the code is malformed' };
  if (!isVoucherNumber(number)) return { ok: false, reason: 'the voucher number is malformed' };
  if (!/^\d{1,9}$/.test(points)) return { ok: false, reason: 'the points in the code are not a number' };
  const money = VALUE.exec(value);
  if (value !== '-' && !money) return { ok: false, reason: 'the value in the code is malformed' };
  if (!SECONDS36.test(issued) || !SECONDS36.test(expires)) return { ok: false, reason: 'the dates are malformed' };
  const body = parts.slice(0, 7).join('.');
  const sig = Buffer.from(signature, 'base64url');
  if (sig.length !== 64 || !verify(null, Buffer.from(body), publicKey, sig)) {
    return { ok: false, reason: 'the signature does not match: altered, forged, or issued by another machine' };
  }
  return {
    ok: true,
    voucher: {
      machineId,
      number,
      points: Number(points),
      value: money ? { amount: Number(money[1]), currency: money[2]! } : null,
      issuedAt: parseInt(issued, 36) * 1000,
      expiresAt: parseInt(expires, 36) * 1000,
    },
  };
}

/** What machine a code names, without checking it (to say "issued by RVM-07" for a voucher of another machine). */
export function voucherMachineOf(code: string): string | null {
  const parts = code.trim().split('.');
  return parts[0] === VOUCHER_PREFIX && parts.length === 8 && MACHINE_ID.test(parts[1]!) ? parts[1]! : null;
}

/** A new 13-digit voucher number: 12 random digits and a Luhn check digit (a mistyped digit is caught). */
export function newVoucherNumber(randomDigit: () => number): string {
  let digits = '';
  for (let i = 0; i < 12; i++) digits += String(randomDigit());
  return digits + luhnCheckDigit(digits);
}

export function isVoucherNumber(text: string): boolean {
  return NUMBER.test(text) && luhnValid(text);
}

function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

const luhnValid = (number: string): boolean => luhnCheckDigit(number.slice(0, -1)) === Number(number.at(-1));

/** 1230 → "1230", 0.5 → "0.5", never exponent notation. */
const trimAmount = (amount: number): string => String(Number(amount.toFixed(4)));
