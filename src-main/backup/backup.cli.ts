import { loadConfig, resolveDataDir, ConfigError } from '../config/config.loader';
import { systemClock } from '../kernel/clock';
import { missingStore, storePath } from '../store/existing-store';
import { loadMachineSecret } from '../store/machine-secret';
import type { Logger } from '../log/logger';
import pkg from '../../package.json' with { type: 'json' };
import type { BackupInfo } from '../../src-preload/contract';
import { BackupService } from './backup.service';

const USAGE = `usage: npm run backup -- <command>
  create [database|config|logs]   make a backup now (default: database; safe while the kiosk runs), then verify it
  list                            backups, newest first: id, kind, time, size, verification
  verify <id>                     test-restore one into a temporary folder (decrypt, checksums, integrity, rows)
  restore <id>                    verify, take a safety backup, and stage it: the database is swapped in at the
                                  kiosk's next start (restart it: systemctl restart rvm-kiosk); a config at once
The data folder is RVM_DATA_DIR (default ~/.config/rvm-kiosk); backups are in backup.folder (default <data>/backups).`;

/** `npm run backup -- …` for technicians over SSH; resolves to the exit code. */
export async function runBackupCli(
  argv: readonly string[],
  out: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [command, arg] = argv;
  if (!command || command === '--help' || !['create', 'list', 'verify', 'restore'].includes(command)) {
    out(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  const dataDir = resolveDataDir(env);
  const kind = command === 'create' ? (arg ?? 'database') : undefined;
  if (kind !== undefined && kind !== 'database' && kind !== 'config' && kind !== 'logs') {
    out('usage: npm run backup -- create [database|config|logs]');
    return 2;
  }
  // Nothing to back up, and nothing written (not even a machine secret) in a folder the kiosk never used.
  const missing = kind === 'database' ? missingStore(storePath(dataDir)) : undefined;
  if (missing) {
    out(missing);
    return 1;
  }
  const logger = consoleLogger(out);
  let service: BackupService;
  try {
    const { config } = loadConfig(dataDir, env);
    service = new BackupService({
      dataDir,
      config: config.backup,
      machineSecret: loadMachineSecret(dataDir),
      appVersion: pkg.version,
      clock: systemClock,
      logger,
    });
  } catch (error) {
    out(error instanceof ConfigError ? error.message : `cannot open the backups: ${(error as Error).message}`);
    return 1;
  }
  try {
    switch (command) {
      case 'create': {
        const info = (await service.create(kind!, 'on demand (CLI)'))!;
        out(line(info));
        return info.verified?.ok ? 0 : 1;
      }
      case 'list': {
        const list = service.list();
        for (const info of list) out(line(info));
        if (!list.length) out(`(no backups in ${service.folder})`);
        const { bytes, percentOfCap } = service.usage();
        out(`${(bytes / 2 ** 20).toFixed(1)} MB in ${service.folder} (${percentOfCap} % of backup.maxTotalMb)`);
        return 0;
      }
      case 'verify': {
        if (!arg) return usage(out, 'verify <id>');
        const info = service.verify(arg);
        out(line(info));
        return info.verified?.ok ? 0 : 1;
      }
      default: {
        if (!arg) return usage(out, 'restore <id>');
        const checked = service.verify(arg);
        if (!checked.verified?.ok) {
          out(`not restored: ${checked.verified?.detail}`);
          return 1;
        }
        // A folder without a database yet (a replaced disk) has nothing to keep a safety copy of.
        const current = checked.kind === 'database' && !missingStore(storePath(dataDir));
        const safety = current ? await service.create('database', `safety copy before restoring ${arg}`) : undefined;
        const staged = service.stageRestore(arg);
        if (safety) out(`safety backup: ${safety.id}`);
        else if (checked.kind === 'database') out(`no database at ${storePath(dataDir)} yet: no safety backup needed`);
        out(`${staged.detail}; restart the kiosk to use it (systemctl restart rvm-kiosk)`);
        return 0;
      }
    }
  } catch (error) {
    out(`failed: ${(error as Error).message}`);
    return 1;
  }
}

function usage(out: (line: string) => void, what: string): number {
  out(`usage: npm run backup -- ${what}   (ids: npm run backup -- list)`);
  return 2;
}

function line(b: BackupInfo): string {
  const verified = b.verified
    ? b.verified.ok
      ? `verified ${b.verified.detail}`
      : `FAILED: ${b.verified.detail}`
    : 'not verified';
  return `${b.id}  ${b.kind}  ${new Date(b.createdAt).toISOString()}  ${(b.sizeBytes / 2 ** 20).toFixed(2)} MB  ${b.reason}  ${verified}`;
}

function consoleLogger(out: (line: string) => void): Logger {
  const logger: Logger = {
    error: (m) => out(`error: ${m}`),
    warn: (m) => out(`warning: ${m}`),
    info: () => undefined,
    debug: () => undefined,
    scope: () => logger,
  };
  return logger;
}

if (process.argv[1]?.endsWith('backup-cli.js')) {
  void runBackupCli(process.argv.slice(2), (l) => console.log(l)).then((code) => {
    process.exitCode = code;
  });
}
