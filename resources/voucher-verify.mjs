#!/usr/bin/env node
// RVM voucher verifier for till integrators: one file, Node 18 or newer, no dependencies, no secret.
// It checks a scanned RVM2 voucher code offline with the issuing machine's PUBLIC key:
//
//   node voucher-verify.mjs <public key> <scanned code>
//
// <public key>: a PEM file (npm run voucher -- public-key --pem), or the RVMKEY1.<machine>.<key> line
// (maintenance screen → Vouchers, or npm run voucher -- public-key). Prints one JSON object and exits
// 0 when the signature is genuine and the voucher has not expired, 1 when refused, 2 on usage errors.
// Whether it was already redeemed only the machine knows: redeem it there (POST /till/v1/vouchers/redeem)
// so it cannot be paid out twice. Format: README, "Vouchers for till integrators".
import { createPublicKey, verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function loadPublicKey(text) {
  const t = text.trim();
  if (t.startsWith('-----BEGIN')) return createPublicKey(t);
  const raw = Buffer.from(t.startsWith('RVMKEY1.') ? (t.split('.')[2] ?? '') : t, 'base64url');
  if (raw.length !== 32) throw new Error('not an Ed25519 public key (PEM, RVMKEY1 line or 32 bytes base64url)');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function luhnValid(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** { ok, reason, voucher? } for a scanned code, checked against `publicKey` at time `now` (ms). */
export function verifyVoucher(code, publicKey, now = Date.now()) {
  const parts = code.trim().split('.');
  if (parts[0] !== 'RVM2' || parts.length !== 8) return { ok: false, reason: 'not an RVM2 voucher code' };
  const [, machineId, number, points, value, issued, expires, signature] = parts;
  const shape =
    /^[A-Z0-9-]{2,16}$/.test(machineId) &&
    /^\d{13}$/.test(number) &&
    luhnValid(number) &&
    /^\d{1,9}$/.test(points) &&
    /^(-|\d{1,12}(\.\d{1,4})?[A-Z]{3})$/.test(value) &&
    /^[0-9a-z]{1,8}$/.test(issued) &&
    /^[0-9a-z]{1,8}$/.test(expires);
  if (!shape) return { ok: false, reason: 'malformed voucher code (misread?)' };
  const sig = Buffer.from(signature, 'base64url');
  const body = Buffer.from(parts.slice(0, 7).join('.'));
  if (sig.length !== 64 || !verify(null, body, publicKey, sig)) {
    return { ok: false, reason: 'signature does not match: altered, forged, or issued by another machine' };
  }
  const money = value === '-' ? null : { amount: Number(value.slice(0, -3)), currency: value.slice(-3) };
  const voucher = {
    machineId,
    number,
    points: Number(points),
    value: money,
    issuedAt: new Date(parseInt(issued, 36) * 1000).toISOString(),
    expiresAt: new Date(parseInt(expires, 36) * 1000).toISOString(),
  };
  if (now >= parseInt(expires, 36) * 1000) return { ok: false, reason: `expired at ${voucher.expiresAt}`, voucher };
  return { ok: true, reason: 'genuine and not expired (redeem it at the machine so it is paid once)', voucher };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [keyArg, code] = process.argv.slice(2);
  if (!keyArg || !code) {
    console.error('usage: node voucher-verify.mjs <public key PEM file | RVMKEY1 line> <scanned code>');
    process.exit(2);
  }
  let key;
  try {
    key = loadPublicKey(existsSync(keyArg) ? readFileSync(keyArg, 'utf8') : keyArg);
  } catch (error) {
    console.error(`cannot use that public key: ${error.message}`);
    process.exit(2);
  }
  const result = verifyVoucher(code, key);
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}
