import Database from 'better-sqlite3';
import { resolveDataDir } from '../config/config.loader';
import { missingStore, storePath } from './existing-store';
import { loadMachineSecret } from './machine-secret';
import { formatStats, storeStats } from './store-stats';
import { adoptStore, machineFingerprint, setStoreAside } from './store-owner';

const USAGE = `usage: npm run store -- <stats|vouchers> [--json] [--db <path to rvm.db>]
                     npm run store -- adopt --yes | start-empty
  stats        sessions, items, points and outbox counts of the kiosk's database
  vouchers     the 50 newest vouchers (id, points, created, redeemed)
  adopt --yes  a database from another machine becomes this machine's: its deposits are delivered as ours
  start-empty  keep another machine's database aside (rvm.foreign-<time>.db) and start a new one
Restart the kiosk after adopt or start-empty (systemctl restart rvm-kiosk).`;

/** `npm run store -- …` for technicians over SSH; returns the exit code. */
export function runStoreCli(argv: readonly string[], out: (line: string) => void, env = process.env): number {
  const [command, ...rest] = argv;
  if (command === 'adopt' || command === 'start-empty') return ownership(command, rest, out, resolveDataDir(env));
  if (command !== 'stats' && command !== 'vouchers') {
    out(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  const dbFlag = rest.indexOf('--db');
  const path = dbFlag >= 0 ? rest[dbFlag + 1] : storePath(resolveDataDir(env));
  if (!path) {
    out("--db needs the path of the kiosk's rvm.db");
    return 2;
  }
  const missing = missingStore(path, dbFlag >= 0);
  if (missing) {
    out(missing);
    return 1;
  }
  // Read-only, so the CLI never competes with the kiosk's single writer.
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const json = rest.includes('--json');
    if (command === 'vouchers') {
      const rows = db
        .prepare(
          'SELECT id, points, created_at AS createdAt, redeemed_at AS redeemedAt FROM vouchers ORDER BY created_at DESC LIMIT 50',
        )
        .all() as Array<{ id: string; points: number; createdAt: number; redeemedAt: number | null }>;
      if (json) out(JSON.stringify(rows));
      else if (rows.length === 0) out('no vouchers');
      else {
        for (const v of rows) {
          const redeemed = v.redeemedAt ? `redeemed ${new Date(v.redeemedAt).toISOString()}` : 'not redeemed';
          out(`${v.id}  ${String(v.points).padStart(6)} points  ${new Date(v.createdAt).toISOString()}  ${redeemed}`);
        }
      }
      return 0;
    }
    const stats = storeStats(db);
    out(json ? JSON.stringify(stats) : formatStats(stats));
    return 0;
  } finally {
    db.close();
  }
}

/** The technician's choice for a database that belongs to another machine (README: Deposits and durability). */
function ownership(
  command: 'adopt' | 'start-empty',
  rest: readonly string[],
  out: (l: string) => void,
  dataDir: string,
) {
  const path = storePath(dataDir);
  const missing = missingStore(path);
  if (missing) {
    out(`nothing to ${command}: ${missing}`);
    return 1;
  }
  if (command === 'start-empty') {
    const aside = setStoreAside(dataDir, Date.now());
    out(`kept the other machine's database as ${aside} (nothing deleted); restart the kiosk to start with a new one`);
    return 0;
  }
  if (!rest.includes('--yes')) {
    out("adopting delivers every deposit in this database as this machine's; run again with --yes to confirm");
    return 2;
  }
  adoptStore(path, machineFingerprint(loadMachineSecret(dataDir)));
  out('this machine now owns the database; restart the kiosk (systemctl restart rvm-kiosk)');
  return 0;
}

if (process.argv[1]?.endsWith('store-cli.js')) {
  process.exitCode = runStoreCli(process.argv.slice(2), (line) => console.log(line));
}
