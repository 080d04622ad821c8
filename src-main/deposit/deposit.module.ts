import { existsSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.schema';
import type { Clock } from '../kernel/clock';
import type { Handlers } from '../kernel/contract-types';
import type { EventHub } from '../kernel/event-hub';
import type { HealthProbe } from '../kernel/health.service';
import { AppFailure } from '../kernel/router';
import { SimulatedHardware, type Hardware } from '../hardware/hardware';
import { SerialHardware, serialPortOpener } from '../hardware/serial.hardware';
import type { Logger } from '../log/logger';
import { openStore, type Db } from '../store/database';
import { applyStagedRestore } from '../store/restore';
import { OutboxRepo } from '../store/outbox.repo';
import { SessionRepo } from '../store/session.repo';
import { AuditRepo } from '../store/audit.repo';
import { SettingsRepo } from '../store/settings.repo';
import { checkOwner, ForeignStoreError, machineFingerprint } from '../store/store-owner';
import { DepositService } from './deposit.service';
import { loadMachineSecret } from '../store/machine-secret';

export interface DepositModuleDeps {
  readonly dataDir: string;
  readonly config: Config;
  readonly hub: EventHub;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly hardware?: Hardware;
  readonly platformOnline?: () => boolean;
}

export interface DepositModule {
  /** Undefined when the store could not be opened: the kiosk is out of service. */
  readonly service: DepositService | undefined;
  /** The delivery queue the platform client drains (undefined with a broken store). */
  readonly outbox: OutboxRepo | undefined;
  readonly sessions: SessionRepo | undefined;
  readonly hardware: Hardware | undefined;
  /** Maintenance's audit log and settings (undefined with a broken store). */
  readonly audit: AuditRepo | undefined;
  readonly settings: SettingsRepo | undefined;
  readonly handlers: Handlers['deposit'];
  readonly probe: HealthProbe;
  /** The database belongs to another machine: out of service until a technician adopts it or starts empty. */
  readonly foreignStore: boolean;
  /**
   * For the systemd watchdog: null while the open store answers a query, else the problem. A store
   * that never opened is not a watchdog matter (restarting cannot repair the file, and a boot loop would
   * keep the technician from the restore screen); the kiosk shows it as out of service.
   */
  answers(): string | null;
  stop(): void;
}

/** Opens the store and builds the deposit flow on it; a broken store leaves the kiosk answering, out of service. */
export function createDepositModule(deps: DepositModuleDeps): DepositModule {
  const log = deps.logger.scope('deposit');
  let db: Db | undefined;
  let service: DepositService | undefined;
  let outbox: OutboxRepo | undefined;
  let sessions: SessionRepo | undefined;
  let failure: string | undefined;
  let foreignStore = false;
  let hardware: Hardware | undefined;
  let audit: AuditRepo | undefined;
  let settings: SettingsRepo | undefined;
  try {
    // A restore staged by maintenance or the backup CLI replaces the database before it opens.
    applyStagedRestore(deps.dataDir, deps.logger, deps.clock.now());
    db = openStore(join(deps.dataDir, 'rvm.db')).db;
    outbox = new OutboxRepo(db);
    audit = new AuditRepo(db);
    settings = new SettingsRepo(db);
    // Before any write: a database copied from another machine is not adopted silently.
    checkOwner(settings, machineFingerprint(loadMachineSecret(deps.dataDir)));
    outbox.releaseInFlight(deps.clock.now());
    const { hardware: hw } = deps.config;
    hardware =
      deps.hardware ??
      (hw.driver === 'serial'
        ? new SerialHardware(serialPortOpener(hw.serialPath, hw.baudRate), deps.logger, {
            present: () => existsSync(hw.serialPath),
          })
        : new SimulatedHardware());
    sessions = new SessionRepo(db, outbox);
    service = new DepositService({
      sessions,
      hardware,
      hub: deps.hub,
      clock: deps.clock,
      logger: deps.logger,
      deposit: deps.config.deposit,
      binFullPercent: deps.config.hardware.binFullPercent,
      machineId: deps.config.machine.id,
      machineSecret: loadMachineSecret(deps.dataDir),
      // Until the platform link exists, the machine counts as offline: offline caps apply.
      platformOnline: deps.platformOnline ?? (() => false),
      freeMb: () => freeMb(deps.dataDir),
    });
    service.recover();
    // The controller's health is the 'hardware' out-of-service reason: set on a fault, cleared when it reports healthy.
    const onHealth = (h: ReturnType<Hardware['health']>) =>
      service?.setOutOfService('hardware', h.ok ? null : h.reason);
    hardware.onHealth(onHealth);
    onHealth(hardware.health());
  } catch (error) {
    failure = (error as Error).message;
    foreignStore = error instanceof ForeignStoreError;
    log.error(`deposits are out of service: ${failure}`);
    db?.close();
    db = undefined;
    outbox = undefined;
    sessions = undefined;
    audit = undefined;
    settings = undefined;
  }
  const use = (): DepositService => {
    if (!service) throw new AppFailure('OUT_OF_SERVICE', `the local store is unavailable: ${failure}`);
    return service;
  };
  return {
    foreignStore,
    service,
    outbox,
    sessions,
    hardware,
    audit,
    settings,
    handlers: {
      state: () => use().snapshot(),
      catalogue: () => ({
        materials: Object.entries(deps.config.deposit.materials).map(([material, m]) => ({
          material,
          points: m.points,
        })),
        pointValue: deps.config.platform.profile === 'none' ? null : { amount: 10, currency: 'IDR' },
      }),
      start: () => use().start(),
      identify: (identity) => use().identify(identity),
      finish: () => use().finish(),
      cancel: () => use().cancel(),
      done: () => use().done(),
    },
    probe: () => {
      if (!service) return { status: 'out_of_service', detail: `store: ${failure}` };
      const reasons = service.snapshot().outOfService;
      return reasons.length
        ? { status: 'out_of_service', detail: reasons.join('; ') }
        : { status: 'ok', detail: 'accepting items' };
    },
    answers() {
      if (!db) return null;
      try {
        db.prepare('SELECT count(*) FROM settings').get();
        return null;
      } catch (error) {
        return `the store does not answer: ${(error as Error).message}`;
      }
    },
    stop() {
      service?.stop();
      hardware?.close();
      db?.close();
    },
  };
}

/** Free space of the data folder's file system in MB; Infinity when it cannot be read (not a reason to stop). */
function freeMb(dir: string): number {
  try {
    const stats = statfsSync(dir);
    return (stats.bavail * stats.bsize) / 1024 / 1024;
  } catch {
    return Infinity;
  }
}
