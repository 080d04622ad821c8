import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import type { Health } from '../../src-preload/contract';
import { redactConfig, type LoadedConfig } from '../config/config.loader';
import type { Clock } from '../kernel/clock';
import type { Handlers } from '../kernel/contract-types';
import type { EventHub } from '../kernel/event-hub';
import { AppFailure } from '../kernel/router';
import type { DepositService } from '../deposit/deposit.service';
import type { Hardware } from '../hardware/hardware';
import type { Logger } from '../log/logger';
import type { MonitorModule } from '../monitor/monitor.module';
import type { AuditRepo } from '../store/audit.repo';
import { adoptStore, machineFingerprint, setStoreAside } from '../store/store-owner';
import { loadMachineSecret } from '../store/machine-secret';
import type { VisionModule } from '../vision/vision.module';
import type { ModelUpdater } from '../vision/model-updater';
import { checkTarget, listExportTargets } from '../fs/removable-drives';
import { writeBundle } from './diagnostics';
import type { KeyValue, MaintenanceAccess } from './maintenance-access';

export type MachineStatus = 'active' | 'maintenance' | 'full';

export interface MaintenanceDeps {
  readonly access: MaintenanceAccess;
  readonly loaded: LoadedConfig;
  readonly dataDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly hub: EventHub;
  readonly monitor: MonitorModule;
  readonly health: () => Health;
  readonly vision: VisionModule | undefined;
  readonly models: ModelUpdater | undefined;
  readonly hardware: Hardware | undefined;
  readonly deposit: DepositService | undefined;
  /** The database is another machine's (deposit module); the technician chooses what happens to it. */
  readonly foreignStore: boolean;
  /** Restarts the kiosk once it is idle; undefined where the runtime cannot restart itself. */
  readonly restart: ((why: string) => void) | undefined;
  readonly audit: AuditRepo | undefined;
  /** Where the machine status is kept (the deposit database's settings). */
  readonly settings: KeyValue | undefined;
}

const STATUS_KEY = 'machine.status';
/** The out-of-service reason a technician's "maintenance" status sets (the customer sees "maintenance"). */
export const STATUS_MAINTENANCE_REASON = 'maintenance: closed by a technician';
const LOG_TAIL_BYTES = 512 * 1024;

/** Reads the status a technician set last (active when none). */
export function savedMachineStatus(settings: KeyValue | undefined): MachineStatus {
  const value = settings?.getValue(STATUS_KEY);
  return value === 'maintenance' || value === 'full' ? value : 'active';
}

/** Applies a machine status to the deposit flow: maintenance and full stop intake with their reason. */
export function applyMachineStatus(deposit: DepositService | undefined, status: MachineStatus): void {
  deposit?.setOutOfService('status', status === 'maintenance' ? STATUS_MAINTENANCE_REASON : null);
  if (status === 'full') deposit?.setOutOfService('bin', 'bin full');
}

/** The maintenance screen's calls: sessions (open to any screen) and actions (guarded by the router). */
export function createMaintenanceHandlers(d: MaintenanceDeps): Handlers['maintenance'] {
  const log = d.logger.scope('maintenance');
  const logDir = join(d.dataDir, 'logs');
  const roots = d.loaded.config.maintenance.exportRoots;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new AppFailure('UNAVAILABLE', what);
    return value;
  };
  const failing = (what: string, error: unknown): never => {
    throw new AppFailure('UNAVAILABLE', `${what}: ${(error as Error).message}`);
  };

  return {
    pad: () => d.access.pad(),
    unlock: ({ pin }, ctx) => d.access.unlock(ctx.client, pin),
    session: (_req, ctx) => d.access.session(ctx.client),
    touch: (_req, ctx) => d.access.touch(ctx.client),
    lock: (_req, ctx) => {
      d.access.lock(ctx.client);
      return null;
    },
    restartCamera: () => {
      const vision = need(d.vision, 'vision is off on this machine (vision.enabled = false)');
      try {
        return { detail: vision.restartCamera() };
      } catch (error) {
        return failing('camera not restarted', error);
      }
    },
    restartWorker: () => {
      const vision = need(d.vision, 'vision is off on this machine (vision.enabled = false)');
      try {
        return { restarts: vision.restartWorker() };
      } catch (error) {
        return failing('worker not restarted', error);
      }
    },
    rollbackModel: async () => {
      const models = need(d.models, 'vision is off on this machine (vision.enabled = false)');
      try {
        await models.rollback();
        return { version: d.vision?.modelVersion ?? null };
      } catch (error) {
        return failing('model not rolled back', error);
      }
    },
    reloadUi: (_req, ctx) => {
      d.hub.publish('maintenance.reload', { by: ctx.technician ?? '(unknown)' });
      return null;
    },
    machineStatus: () => ({ status: savedMachineStatus(d.settings) }),
    setMachineStatus: ({ status }) => {
      const settings = need(d.settings, 'the local store is unavailable: the status cannot be kept');
      const before = savedMachineStatus(settings);
      settings.setValue(STATUS_KEY, status);
      if (before === 'full' && status !== 'full') d.deposit?.setOutOfService('bin', null);
      applyMachineStatus(d.deposit, status);
      log.warn(`machine status ${before} → ${status}`);
      return { status };
    },
    resetBin: async () => {
      const hardware = need(d.hardware, 'the hardware is unavailable (see the out-of-service reason)');
      try {
        await hardware.resetBin();
      } catch (error) {
        return failing('bin not reset', error);
      }
      if (savedMachineStatus(d.settings) === 'full') d.settings?.setValue(STATUS_KEY, 'active');
      d.deposit?.setOutOfService('bin', null);
      return { binLevelPercent: hardware.binLevelPercent() };
    },
    testHardware: async ({ part }) => {
      const hardware = need(d.hardware, 'the hardware is unavailable (see the out-of-service reason)');
      try {
        return { part, ok: true, detail: await hardware.test(part) };
      } catch (error) {
        return { part, ok: false, detail: (error as Error).message };
      }
    },
    storeOwner: () => ({ foreign: d.foreignStore }),
    resolveForeignStore: ({ choice }) => {
      if (!d.foreignStore)
        throw new AppFailure('INVALID_STATE', 'the database is this machine’s own: there is nothing to choose');
      const path = join(d.dataDir, 'rvm.db');
      let detail: string;
      try {
        if (choice === 'adopt') {
          adoptStore(path, machineFingerprint(loadMachineSecret(d.dataDir)));
          detail = 'this machine now owns the database; its deposits will be delivered';
        } else {
          detail = `the other machine’s database is kept as ${basename(setStoreAside(d.dataDir, d.clock.now()))}; a new one starts`;
        }
      } catch (error) {
        return failing('the database was not changed', error);
      }
      log.warn(`foreign database: ${choice} (${detail})`);
      d.restart?.(`the technician chose to ${choice === 'adopt' ? 'adopt' : 'set aside'} a foreign database`);
      return { detail: d.restart ? detail : `${detail}; restart the kiosk now`, restarting: d.restart !== undefined };
    },
    logs: ({ lines }) => {
      const file = join(logDir, 'rvm-kiosk.log');
      return { file, lines: tail(file, lines) };
    },
    audit: ({ limit }) => need(d.audit, 'the local store is unavailable').list(limit),
    exportTargets: () => listExportTargets(roots),
    exportDiagnostics: ({ target }) => {
      let folder: string;
      try {
        folder = checkTarget(target, roots);
      } catch (error) {
        throw new AppFailure('BAD_REQUEST', (error as Error).message);
      }
      const now = d.clock.now();
      const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
      const { config } = d.loaded;
      try {
        const bundle = writeBundle(
          folder,
          `rvm-diagnostics-${config.machine.id}-${stamp}`,
          {
            'app.json': {
              name: pkg.productName,
              version: pkg.version,
              machine: config.machine.name,
              machineId: config.machine.id,
              exportedAt: new Date(now).toISOString(),
              node: process.versions.node,
              platform: `${process.platform}/${process.arch}`,
            },
            'config.json': redactConfig(config),
            'health.json': d.health(),
            'metrics-24h.json': d.monitor.store.history(86_400, now),
            'metrics-1h.json': d.monitor.store.history(3600, now),
            'alerts.json': d.monitor.alerts.list(),
            'audit.json': d.audit?.list(500) ?? [],
          },
          logDir,
        );
        log.info(`diagnostics bundle written to ${bundle.path} (${bundle.files.length} files)`);
        return bundle;
      } catch (error) {
        return failing(`the bundle could not be written to ${folder}`, error);
      }
    },
  };
}

/** The last `count` lines of a file, reading at most its last 512 KB. */
function tail(file: string, count: number): string[] {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return [];
  }
  const length = Math.min(size, LOG_TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const lines = buffer.toString('utf8').split('\n');
  if (length < size) lines.shift(); // a partial first line
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-count);
}
