import { createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';

/** PKCS#8 DER header of an Ed25519 private key (RFC 8410); the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SPKI DER header of an Ed25519 public key; the 32 raw bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface VoucherKeys {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/**
 * The machine's voucher signing key, derived from the machine secret (HKDF, its own label): it lives
 * wherever the secret lives (the data folder, mode 0600, never in a backup archive or a diagnostics
 * export) and is the same after a restart or a restore onto the same provisioned machine. Only the
 * public half leaves the machine.
 */
export function voucherKeys(machineSecret: Buffer): VoucherKeys {
  const seed = Buffer.from(
    hkdfSync('sha256', machineSecret, Buffer.from('rvm-kiosk'), Buffer.from('voucher-ed25519-v1'), 32),
  );
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export interface PublicKeyExport {
  /** SPKI PEM, what OpenSSL and most languages load. */
  readonly pem: string;
  /** The 32 raw bytes, base64url. */
  readonly raw: string;
  /** `RVMKEY1.<machine id>.<raw>`: one line for a QR code or a till's configuration. */
  readonly line: string;
  /** First 16 hex digits of SHA-256 over the raw key: to compare by eye or over the phone. */
  readonly fingerprint: string;
}

export function exportPublicKey(publicKey: KeyObject, machineId: string): PublicKeyExport {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const raw = der.subarray(ED25519_SPKI_PREFIX.length);
  return {
    pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    raw: raw.toString('base64url'),
    line: `RVMKEY1.${machineId}.${raw.toString('base64url')}`,
    fingerprint: createHash('sha256').update(raw).digest('hex').slice(0, 16),
  };
}

/** A public key given as PEM, raw base64url or an RVMKEY1 line (what the CLI and the verifier accept). */
export function importPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
  const raw = Buffer.from(trimmed.startsWith('RVMKEY1.') ? (trimmed.split('.')[2] ?? '') : trimmed, 'base64url');
  if (raw.length !== 32) throw new Error('not an Ed25519 public key (PEM, 32 bytes base64url, or RVMKEY1.<id>.<key>)');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}
