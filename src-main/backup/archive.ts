import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * One backup = one file:
 *   "RVMBAK1\n" | u32 manifest length | manifest JSON | 12-byte IV | 16-byte GCM tag | ciphertext
 * The ciphertext is AES-256-GCM over the gzipped members laid end to end; the magic and the manifest
 * are its additional authenticated data, so a changed byte anywhere fails decryption. The manifest
 * stays readable (listing needs no key) and names the key by a short fingerprint, so a wrong key is
 * told apart from a damaged file.
 */
const MAGIC = Buffer.from('RVMBAK1\n', 'ascii');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type BackupKind = 'database' | 'config' | 'logs';

export interface MemberInfo {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

export interface Manifest {
  readonly format: 1;
  readonly id: string;
  readonly kind: BackupKind;
  readonly createdAt: number;
  readonly appVersion: string;
  /** The database's schema version (user_version); null for config and log backups. */
  readonly schemaVersion: number | null;
  /** Why it was made: schedule, on demand (technician), before a restore … */
  readonly reason: string;
  readonly members: readonly MemberInfo[];
  /** First 16 hex digits of SHA-256 over the key: which machine's key encrypted it. */
  readonly keyId: string;
  /** Row counts of the database (sessions, items, outbox …), checked again by verify. */
  readonly counts?: Readonly<Record<string, number>>;
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** The backup key: HKDF-SHA256 of the machine's provisioned secret (never stored, derived when needed). */
export function backupKey(machineSecret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', machineSecret, Buffer.from('rvm-kiosk'), Buffer.from('backup-v1'), 32));
}

export const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 16);
export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

export function sealArchive(
  manifest: Omit<Manifest, 'members' | 'keyId' | 'format'>,
  members: ReadonlyArray<{ name: string; data: Buffer }>,
  key: Buffer,
): { bytes: Buffer; manifest: Manifest } {
  const full: Manifest = {
    format: 1,
    ...manifest,
    keyId: keyId(key),
    members: members.map((m) => ({ name: m.name, size: m.data.length, sha256: sha256(m.data) })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(full), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(manifestBytes.length);
  const aad = Buffer.concat([MAGIC, length, manifestBytes]);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const plain = gzipSync(Buffer.concat(members.map((m) => m.data)), { level: 1 });
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { bytes: Buffer.concat([aad, iv, cipher.getAuthTag(), body]), manifest: full };
}

/** The manifest alone (no key needed); throws BackupError when the file is not a backup. */
export function readManifest(bytes: Buffer, what: string): { manifest: Manifest; headerLength: number } {
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BackupError(`${what} is not an RVM backup (wrong header)`);
  }
  const length = bytes.readUInt32BE(MAGIC.length);
  const end = MAGIC.length + 4 + length;
  if (end + IV_BYTES + TAG_BYTES > bytes.length) throw new BackupError(`${what} is truncated`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytes.subarray(MAGIC.length + 4, end).toString('utf8')) as Manifest;
  } catch {
    throw new BackupError(`${what} has a damaged manifest`);
  }
  if (manifest.format !== 1 || !Array.isArray(manifest.members)) {
    throw new BackupError(`${what} has a manifest this version cannot read (format ${String(manifest.format)})`);
  }
  return { manifest, headerLength: end };
}

/**
 * Decrypts and checks every member against its SHA-256. Throws BackupError saying whether the key
 * is another machine's, or the file was changed or damaged.
 */
export function openArchive(
  bytes: Buffer,
  key: Buffer,
  what: string,
): { manifest: Manifest; members: Map<string, Buffer> } {
  const { manifest, headerLength } = readManifest(bytes, what);
  if (manifest.keyId !== keyId(key)) {
    throw new BackupError(
      `${what} was made with another key (${manifest.keyId}, this machine's is ${keyId(key)}): restore it on the machine that made it, or with that machine's secret`,
    );
  }
  const iv = bytes.subarray(headerLength, headerLength + IV_BYTES);
  const tag = bytes.subarray(headerLength + IV_BYTES, headerLength + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(bytes.subarray(0, headerLength));
  decipher.setAuthTag(tag);
  let plain: Buffer;
  try {
    plain = gunzipSync(
      Buffer.concat([decipher.update(bytes.subarray(headerLength + IV_BYTES + TAG_BYTES)), decipher.final()]),
    );
  } catch {
    throw new BackupError(
      `${what} failed verification: it was changed or damaged after it was made (authentication failed)`,
    );
  }
  const members = new Map<string, Buffer>();
  let offset = 0;
  for (const member of manifest.members) {
    const data = plain.subarray(offset, offset + member.size);
    offset += member.size;
    if (data.length !== member.size || sha256(data) !== member.sha256) {
      throw new BackupError(`${what}: member ${member.name} does not match its checksum`);
    }
    members.set(member.name, data);
  }
  return { manifest, members };
}
