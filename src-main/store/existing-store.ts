import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DB_FILE } from './restore';

/** The kiosk's database in a data folder. */
export const storePath = (dataDir: string): string => join(dataDir, DB_FILE);

/**
 * What a command that needs the kiosk's database says when the file is not there (a fresh data
 * folder, or RVM_DATA_DIR pointing elsewhere), instead of SQLite's "unable to open database file";
 * undefined when it is there. `named` is a path the user gave (--db) rather than the data folder's.
 */
export function missingStore(path: string, named = false): string | undefined {
  if (existsSync(path)) return undefined;
  return named
    ? `no database at ${path}: give the path of the kiosk's rvm.db after --db`
    : `no database yet at ${path} — has the kiosk run here? Start it once (npm run serve, or systemctl start rvm-kiosk), or set RVM_DATA_DIR to the kiosk's data folder`;
}
