import { createHash } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** The settings key that records which machine a database belongs to. */
export const OWNER_KEY = 'store.owner';

/**
 * A machine's identity for its data: a fingerprint of its machine secret (created on first start,
 * kept with the provisioning record). A database restored on the same machine matches; one copied from
 * another machine does not.
 */
export function machineFingerprint(machineSecret: Buffer): string {
  return createHash('sha256').update('rvm-store-owner\0').update(machineSecret).digest('hex').slice(0, 32);
}

/** What the deposit module says when the database is another machine's: the reason and the choice. */
export class ForeignStoreError extends Error {
  constructor(recorded: string, ours: string) {
    super(
      `this database belongs to another machine (${recorded.slice(0, 8)}; this one is ${ours.slice(0, 8)}): nothing in it was delivered or changed. A technician chooses: "rvm-kiosk store adopt --yes" delivers its deposits as this machine's, "rvm-kiosk store start-empty" keeps it aside and starts a new one; then restart the kiosk`,
    );
    this.name = 'ForeignStoreError';
  }
}

/**
 * Checks (and on first use records) the owner before anything is written. A database without a
 * record is this machine's (created here, or from before records existed).
 */
export function checkOwner(
  settings: { getValue(key: string): string | undefined; setValue(key: string, value: string): void },
  ours: string,
): void {
  const recorded = settings.getValue(OWNER_KEY);
  if (recorded === undefined) settings.setValue(OWNER_KEY, ours);
  else if (recorded !== ours) throw new ForeignStoreError(recorded, ours);
}

/** The technician adopts the database: it is recorded as this machine's (its deposits are delivered as ours). */
export function adoptStore(dbPath: string, ours: string): void {
  const db = new Database(dbPath, { fileMustExist: true, timeout: 5_000 });
  try {
    db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(OWNER_KEY, ours);
  } finally {
    db.close();
  }
}

/** Moves rvm.db and its WAL files aside (never deletes): returns the new name of the database. */
export function setStoreAside(dataDir: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const target = join(dataDir, `rvm.foreign-${stamp}.db`);
  for (const suffix of ['', '-wal', '-shm']) {
    const from = join(dataDir, `rvm.db${suffix}`);
    if (existsSync(from)) renameSync(from, `${target}${suffix}`);
  }
  return target;
}
