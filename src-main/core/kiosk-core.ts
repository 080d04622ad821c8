import pkg from '../../package.json' with { type: 'json' };
import { configHealth } from '../config/config.loader';
import { createBackupService, type BackupService } from '../backup/backup.service';
import type { DatasetModule } from '../dataset/dataset.module';
import { createDepositModule, type DepositModule } from '../deposit/deposit.module';
import { pointValueOf, moneyFor } from '../deposit/pricing';
import type { Hardware } from '../hardware/hardware';
import { createHardware } from '../hardware/hardware.module';
import { systemClock, type Clock } from '../kernel/clock';
import { EventHub } from '../kernel/event-hub';
import { HealthService } from '../kernel/health.service';
import { startHeartbeat } from '../kernel/heartbeat.service';
import type { Router } from '../kernel/router';
import type { MaintenanceAccess } from '../maintenance/maintenance-access';
import { applyMachineStatus, savedMachineStatus } from '../maintenance/maintenance.handlers';
import type { MonitorModule } from '../monitor/monitor.module';
import type { AlertNotifier } from '../notify/alert-notifier';
import type { PrometheusExporter } from '../monitor/prometheus';
import { PayoutModule } from '../payout/payout.module';
import type { PlatformModule } from '../platform/platform.module';
import { SetupService } from '../setup/setup.service';
import { openStoreModule, type StoreModule } from '../store/store.module';
import type { ModelUpdater } from '../vision/model-updater';
import type { VisionModule } from '../vision/vision.module';
import { Lifecycle } from './lifecycle';
import { createRoutes } from './routes';
import {
  createMaintenanceAccess,
  createModelUpdater,
  createMonitor,
  createDataset,
  createNotifier,
  createPlatform,
  createVision,
} from './wiring';
import { UpdateWindow } from './update-window';
import type { Liveness } from './watchdog';
import type { CoreDeps, CoreParts } from './core-parts';

/**
 * The composition root: builds every main-side module, wires them to each other and owns their
 * start/stop. It holds no behaviour of its own. Transports (Electron IPC, the headless WebSocket)
 * only see `router` and `hub`.
 */
export class KioskCore implements CoreParts {
  readonly router: Router;
  readonly hub: EventHub;
  readonly health: HealthService;
  readonly store: StoreModule;
  readonly hardware: Hardware;
  readonly deposit: DepositModule;
  /** Vouchers (issue, redeem at the till) and receipts on the printer. */
  readonly payout: PayoutModule;
  readonly vision: VisionModule | undefined;
  readonly dataset: DatasetModule | undefined;
  readonly platform: PlatformModule;
  readonly monitor: MonitorModule;
  readonly notifier: AlertNotifier | undefined;
  readonly maintenance: MaintenanceAccess;
  /** Undefined when the machine secret (the backup key's source) cannot be read. */
  readonly backup: BackupService | undefined;
  /** Model updates named by the platform (v1 ai_model); undefined with vision off. */
  readonly models: ModelUpdater | undefined;
  readonly setup: SetupService;
  /** The safe window for software updates (build/linux/rvm-kiosk-update). */
  readonly updates: UpdateWindow;
  readonly lifecycle: Lifecycle;
  readonly #deps: CoreDeps;
  readonly #clock: Clock;
  readonly #stops: Array<() => void> = [];
  #state: 'new' | 'started' | 'stopped' = 'new';

  constructor(deps: CoreDeps) {
    const { config } = deps.loaded;
    const { logger, dataDir } = deps;
    const clock = (this.#clock = deps.clock ?? systemClock);
    this.#deps = deps;
    const hub = (this.hub = new EventHub(logger));
    this.health = new HealthService(clock);
    this.store = openStoreModule({ dataDir, logger, now: clock.now() });
    const repos = this.store.repos;
    this.hardware = deps.hardware ?? createHardware(config.hardware, logger);
    const pointValue = pointValueOf(config);
    const moneyOf = (points: number) => moneyFor(points, pointValue);
    this.payout = new PayoutModule({
      dataDir,
      config,
      hub,
      clock,
      logger,
      repos,
      moneyOf,
      ...(deps.printer ? { printer: deps.printer } : {}),
    });
    this.deposit = createDepositModule({
      dataDir,
      config,
      hub,
      clock,
      logger,
      repos,
      hardware: this.hardware,
      issueVoucher: this.payout.issueVoucher,
      moneyOf,
      ...(this.store.failure ? { storeFailure: this.store.failure } : {}),
      platformOnline: () => this.platform.online(),
    });
    const service = this.deposit.service;
    this.platform = createPlatform(this, deps, clock);
    this.vision = createVision(this, deps, clock);
    this.dataset = createDataset(this, deps);
    this.models = createModelUpdater(this, deps, clock);
    this.backup = createBackupService({ dataDir, config: config.backup, appVersion: pkg.version, clock, logger });
    this.notifier = createNotifier(this, deps, clock);
    this.monitor = createMonitor(this, deps, clock);
    this.maintenance = createMaintenanceAccess(this, deps, clock);
    this.lifecycle = new Lifecycle({
      hub,
      logger,
      restart: deps.restart,
      depositState: () => service?.snapshot().state,
      maintenanceOpen: () => this.maintenance.open,
    });
    this.setup = new SetupService({
      dataDir,
      loaded: deps.loaded,
      clock,
      logger,
      appVersion: pkg.version,
      restart: deps.restart,
    });
    this.updates = new UpdateWindow({
      dataDir,
      clock,
      logger: logger.scope('update'),
      idle: () => this.lifecycle.idle(),
      hold: (reason) => service?.setOutOfService('updating', reason),
    });
    this.health.register('config', () => configHealth(deps.loaded));
    this.health.register('deposit', this.deposit.probe);
    this.health.register('platform', this.platform.probe);
    this.router = createRoutes(this, deps, clock);
  }

  start(): void {
    if (this.#state !== 'new') throw new Error(`KioskCore.start() called when ${this.#state}`);
    this.#state = 'started';
    const { config } = this.#deps.loaded;
    this.#stops.push(startHeartbeat(this.hub, this.health, this.#clock, config.heartbeat.intervalMs));
    void this.vision?.start();
    this.#stops.push(this.hub.subscribe('deposit.session', () => this.updates.poll()));
    this.platform.start();
    applyMachineStatus(this.deposit.service, savedMachineStatus(this.store.repos?.settings));
    this.notifier?.start();
    // The link is back: alert notifications that waited for it go now, not at their next back-off.
    this.#stops.push(
      this.hub.subscribe(
        'platform.changed',
        (s) => (s as { state: string }).state === 'online' && this.notifier?.retryNow(),
      ),
    );
    this.monitor.start();
    this.backup?.start();
    this.payout.start();
    this.updates.start();
    if (this.setup.required) {
      this.deposit.service?.setOutOfService('setup', 'not set up yet: a technician completes setup on this screen');
      this.setup.start();
    }
    this.#deps.logger.info(`core started (${config.environment}, machine "${config.machine.name}")`);
  }

  /** Runs `fn` when the core stops (transports started beside it). */
  onStop(fn: () => void): void {
    this.#stops.push(fn);
  }

  /** Stops services and closes the store; safe to call in any state, and twice. */
  stop(): void {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    for (const stop of this.#stops.splice(0)) stop();
    for (const part of [
      this.lifecycle,
      this.updates,
      this.maintenance,
      this.setup,
      this.backup,
      this.monitor,
      this.notifier,
      this.payout,
    ])
      part?.stop();
    this.platform.stop();
    this.vision?.stop();
    this.dataset?.close();
    this.deposit.stop();
    this.hardware.close();
    this.store.close();
    this.health.stop();
    this.#deps.logger.info('core stopped');
  }

  /** For systemd's watchdog (core/watchdog.ts): the store answers and the inference worker is up. */
  liveness(): Liveness {
    const problems = [this.store.answers(), this.vision?.workerProblem(this.#clock.now()) ?? null].filter(
      (p): p is string => p !== null,
    );
    return { ok: problems.length === 0, problems };
  }

  /** Prometheus text of this kiosk, for the remote server's /metrics. */
  prometheus(): PrometheusExporter {
    const { machine } = this.#deps.loaded.config;
    return this.monitor.prometheus({
      health: () => this.health.snapshot(),
      labels: { machine: machine.name, machineId: machine.id, version: pkg.version },
    });
  }

  /** What the remote server needs to answer the shop's tills (POST /till/v1/vouchers/…). */
  till() {
    return { till: this.#deps.loaded.config.vouchers.till, desk: () => this.payout.desk };
  }

  /** No customer session is open and no technician is in maintenance (Lifecycle). */
  idle(): boolean {
    return this.lifecycle.idle();
  }
}
