import { join } from 'node:path';
import type { Logger } from '../log/logger';
import { AuditRepo } from './audit.repo';
import { openStore, type Db } from './database';
import { loadMachineSecret } from './machine-secret';
import { NotificationRepo } from './notification.repo';
import { OutboxRepo } from './outbox.repo';
import { DB_FILE, applyStagedRestore } from './restore';
import { SessionRepo } from './session.repo';
import { SettingsRepo } from './settings.repo';
import { VoucherRepo } from './voucher.repo';
import { checkOwner, ForeignStoreError, machineFingerprint } from './store-owner';

/** The repositories on the one database file; all present, or none (the store did not open). */
export interface Repos {
  readonly sessions: SessionRepo;
  /** The delivery queue the platform client drains. */
  readonly outbox: OutboxRepo;
  /** The technicians' audit log. */
  readonly audit: AuditRepo;
  /** Small durable settings (machine status, PIN lockout, the owner record). */
  readonly settings: SettingsRepo;
  /** Issued vouchers (written with their session's close). */
  readonly vouchers: VoucherRepo;
  /** Alert notifications waiting for the webhook or the mail server. */
  readonly notifications: NotificationRepo;
}

export interface StoreModule {
  /** Undefined when the store could not be opened (`failure` says why): the kiosk is out of service. */
  readonly repos: Repos | undefined;
  readonly failure: string | undefined;
  /** The database belongs to another machine: a technician adopts it or starts empty. */
  readonly foreign: boolean;
  /**
   * For the systemd watchdog: null while the open store answers a query, else the problem. A store
   * that never opened is not a watchdog matter (restarting cannot repair the file, and a boot loop would
   * keep the technician from the restore screen); the kiosk shows it as out of service.
   */
  answers(): string | null;
  close(): void;
}

/**
 * Opens <data>/rvm.db for the kiosk: applies a staged restore first, then migrations, then checks
 * that the database is this machine's before anything writes to it. Never throws: a store that cannot
 * be used is reported (`failure`) and leaves the kiosk answering, out of service.
 */
export function openStoreModule(deps: { dataDir: string; logger: Logger; now: number }): StoreModule {
  let db: Db | undefined;
  let repos: Repos | undefined;
  let failure: string | undefined;
  let foreign = false;
  try {
    // A restore staged by maintenance or the backup CLI replaces the database before it opens.
    applyStagedRestore(deps.dataDir, deps.logger, deps.now);
    db = openStore(join(deps.dataDir, DB_FILE)).db;
    const outbox = new OutboxRepo(db);
    const settings = new SettingsRepo(db);
    // Before any write: a database copied from another machine is not adopted silently.
    checkOwner(settings, machineFingerprint(loadMachineSecret(deps.dataDir)));
    outbox.releaseInFlight(deps.now);
    const vouchers = new VoucherRepo(db);
    repos = {
      sessions: new SessionRepo(db, outbox, vouchers),
      outbox,
      audit: new AuditRepo(db),
      settings,
      vouchers,
      notifications: new NotificationRepo(db),
    };
  } catch (error) {
    failure = (error as Error).message;
    foreign = error instanceof ForeignStoreError;
    deps.logger.scope('store').error(`the store cannot be used: ${failure}`);
    db?.close();
    db = undefined;
  }
  return {
    repos,
    failure,
    foreign,
    answers() {
      if (!db) return null;
      try {
        db.prepare('SELECT count(*) FROM settings').get();
        return null;
      } catch (error) {
        return `the store does not answer: ${(error as Error).message}`;
      }
    },
    close() {
      db?.close();
    },
  };
}
