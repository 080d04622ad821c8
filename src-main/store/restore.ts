import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger';

/** The deposit database's file name in the data folder. */
export const DB_FILE = 'rvm.db';
/** A verified database waiting to replace rvm.db at the next start (see applyStagedRestore). */
export const STAGED_RESTORE = 'rvm.db.restore';

/**
 * At start, before the database opens: a staged restore replaces rvm.db (and its WAL). The replaced
 * files are kept in <data>/replaced/<time>/ (a safety backup was also made before staging).
 */
export function applyStagedRestore(dataDir: string, logger: Logger, now = Date.now()): boolean {
  const staged = join(dataDir, STAGED_RESTORE);
  if (!existsSync(staged)) return false;
  const aside = join(dataDir, 'replaced', new Date(now).toISOString().replace(/[:.]/g, '-'));
  mkdirSync(aside, { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) {
    const file = join(dataDir, DB_FILE + suffix);
    if (existsSync(file)) renameSync(file, join(aside, DB_FILE + suffix));
  }
  renameSync(staged, join(dataDir, DB_FILE));
  logger.scope('backup').warn(`restored the staged database; the replaced one is in ${aside}`);
  return true;
}
