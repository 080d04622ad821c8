import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file';

/**
 * The machine's own secret (signs vouchers, keys backups, names the owner of the database): provisioned into `machine-secret` in the data
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
