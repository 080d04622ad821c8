import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.schema';

/** What machine.id is when nothing provisioned one (a development machine, a demo). */
export const UNPROVISIONED_ID = 'RVM';

/**
 * The machine's id from its provisioning when config does not set machine.id: the v2 platform's rvm id
 * (RVM-<id>), else the v1 credentials' serial number (upper-cased, other characters as dashes, at most
 * 16), else RVM. It names the machine in voucher codes, exports, diagnostics and metrics labels.
 */
export function provisionedMachineId(config: Config, dataDir: string): string {
  const { platform } = config;
  if (platform.profile === 'v2' && platform.v2.rvmId !== undefined) return `RVM-${platform.v2.rvmId}`.slice(0, 16);
  if (platform.profile === 'v1') {
    const serial = v1Serial(platform.v1.credentialsFile || join(dataDir, 'rvm-credentials.json'));
    if (serial) return serial;
  }
  return UNPROVISIONED_ID;
}

function v1Serial(path: string): string | undefined {
  let serial: unknown;
  try {
    serial = (JSON.parse(readFileSync(path, 'utf8')) as { serial_number?: unknown }).serial_number;
  } catch {
    return undefined; // not provisioned yet, or unreadable: the platform reports that file itself
  }
  if (typeof serial !== 'string') return undefined;
  const id = serial
    .toUpperCase()
    .replace(/[^A-Z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(-16);
  return id.length >= 2 ? id : undefined;
}
