import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { checkEditedConfig, CONFIG_FILE, ConfigError, resolveDataDir } from '../config/config.loader';
import { writeFileAtomic } from '../fs/atomic-file';
import { missingStore, storePath } from '../store/existing-store';
import { PERMISSIONS } from '../../src-preload/contract';
import { LOCKOUT_KEY } from './maintenance-access';
import { hashPin } from './pin-hash';

const USAGE = `usage: npm run maintenance -- <command>     (the PIN is read from standard input, never an argument)
  hash-pin                     print the scrypt hash of a 6-digit PIN, for maintenance.technicians[].pinHash
  add-technician <name> [permission …]
                               add or replace a technician in config.json with the PIN from standard input;
                               permissions: ${PERMISSIONS.join(', ')} (default: all)
  audit [count]                the newest audit-log rows (who, what, when, result); default 50
  reset-lockout                reopen a PIN pad locked by wrong PINs (run over SSH by an operator)
The kiosk's data folder is RVM_DATA_DIR (default ~/.config/rvm-kiosk); restart the kiosk after add-technician.`;

/** `npm run maintenance -- …` for operators over SSH; resolves to the exit code. */
export async function runMaintenanceCli(
  argv: readonly string[],
  out: (line: string) => void,
  readPin: () => Promise<string>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [command, ...rest] = argv;
  const dataDir = resolveDataDir(env);
  try {
    switch (command) {
      case 'hash-pin': {
        out(await hashPin(await readPin()));
        return 0;
      }
      case 'add-technician': {
        const [name, ...permissions] = rest;
        if (!name?.trim()) {
          out('usage: npm run maintenance -- add-technician <name> [permission …]  (PIN on standard input)');
          return 2;
        }
        const unknown = permissions.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
        if (unknown.length) {
          out(`unknown permission ${unknown.join(', ')}; use ${PERMISSIONS.join(', ')}`);
          return 2;
        }
        const path = join(dataDir, CONFIG_FILE);
        const file = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
        // The current config must be valid before it is changed; the remote token (and other secrets)
        // may live in the service's environment file rather than this shell.
        checkEditedConfig(path, file, env);
        const maintenance = (file.maintenance ?? {}) as { technicians?: Array<{ name: string }> };
        const others = (maintenance.technicians ?? []).filter((t) => t.name !== name.trim());
        const entry = {
          name: name.trim(),
          pinHash: await hashPin(await readPin()),
          ...(permissions.length ? { permissions } : {}),
        };
        const edited = { ...file, maintenance: { ...maintenance, technicians: [...others, entry] } };
        checkEditedConfig(path, edited, env);
        writeFileAtomic(path, `${JSON.stringify(edited, null, 2)}\n`);
        out(`technician "${entry.name}" saved in ${path}; restart the kiosk to use the PIN`);
        return 0;
      }
      case 'audit': {
        const count = rest[0] === undefined ? 50 : Number(rest[0]);
        if (!Number.isInteger(count) || count < 1) {
          out('usage: npm run maintenance -- audit [count]');
          return 2;
        }
        const path = storePath(dataDir);
        const missing = missingStore(path);
        if (missing) {
          out(missing);
          return 1;
        }
        const db = new Database(path, { readonly: true, fileMustExist: true });
        try {
          const rows = db
            .prepare(`SELECT at, actor, action, detail, result FROM audit_log ORDER BY id DESC LIMIT ?`)
            .all(count) as Array<{ at: number; actor: string; action: string; detail: string | null; result: string }>;
          for (const r of rows.reverse()) {
            out(
              `${new Date(r.at).toISOString()}  ${r.actor}  ${r.action}${r.detail ? ` ${r.detail}` : ''}  → ${r.result}`,
            );
          }
          if (!rows.length) out('(the audit log is empty)');
        } finally {
          db.close();
        }
        return 0;
      }
      case 'reset-lockout': {
        // The lock lives in rvm.db's settings (older versions kept it in monitor.db: cleared too).
        const stores = [
          [storePath(dataDir), `DELETE FROM settings WHERE key = ?`],
          [join(dataDir, 'monitor.db'), `DELETE FROM kv WHERE key = ?`],
        ] as const;
        const missing = missingStore(stores[0][0]);
        if (missing && !existsSync(stores[1][0])) {
          out(missing);
          return 1;
        }
        let cleared = false;
        for (const [path, sql] of stores) {
          if (!existsSync(path)) continue;
          const db = new Database(path, { fileMustExist: true, timeout: 5_000 });
          try {
            db.prepare(sql).run(LOCKOUT_KEY);
            cleared = true;
          } catch (error) {
            // A file without that table (a fresh or foreign one) holds no lock; anything else (busy,
            // read-only) means the lock may still be there: say so.
            if (!/no such table/.test((error as Error).message)) throw error;
          } finally {
            db.close();
          }
        }
        out(
          cleared
            ? 'the PIN pad is open again (takes effect at once, no restart needed)'
            : 'no PIN pad state in this database: the pad is not locked',
        );
        return 0;
      }
      default:
        out(USAGE);
        return command === undefined || command === '--help' ? 0 : 2;
    }
  } catch (error) {
    out(error instanceof ConfigError ? error.message : `failed: ${(error as Error).message}`);
    return 1;
  }
}

/** One line from standard input (a pipe, or typed at a terminal without echo). */
export async function readPinFromStdin(): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    process.stderr.write('PIN (6 digits, not shown): ');
    stdin.setRawMode(true);
  }
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      if (stdin.isTTY) {
        stdin.setRawMode(false);
        process.stderr.write('\n');
      }
      stdin.pause();
      resolve(text.trim());
    };
    stdin.on('data', (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') process.exit(130);
        text += ch;
      }
    });
    stdin.on('end', done);
  });
}

if (process.argv[1]?.endsWith('maintenance-cli.js')) {
  void runMaintenanceCli(process.argv.slice(2), (line) => console.log(line), readPinFromStdin).then((code) => {
    process.exitCode = code;
  });
}
