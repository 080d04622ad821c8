import { mkdirSync } from 'node:fs';
import pkg from '../../package.json' with { type: 'json' };
import { join } from 'node:path';
import sharp from 'sharp';
import { ulid } from 'ulid';
import type { Frame } from '../camera/camera';
import { redactUrl } from '../camera/ffmpeg.camera';
import { configHealth, type LoadedConfig } from '../config/config.loader';
import { PlatformModule } from '../platform/platform.module';
import type { CameraInfo } from '../platform/profile';
import type { QrTarget } from '../platform/qr-login';
import { createDepositModule, type DepositModule } from '../deposit/deposit.module';
import type { Hardware } from '../hardware/hardware';
import { VisionModule } from '../vision/vision.module';
import { ModelUpdater } from '../vision/model-updater';
import { MaintenanceAccess } from '../maintenance/maintenance-access';
import { applyMachineStatus, createMaintenanceHandlers, savedMachineStatus } from '../maintenance/maintenance.handlers';
import { MonitorModule } from '../monitor/monitor.module';
import { BackupService } from '../backup/backup.service';
import { createBackupHandlers } from '../backup/backup.handlers';
import { loadMachineSecret } from '../store/machine-secret';
import { createPrometheusExporter, type PrometheusExporter } from '../monitor/prometheus';
import type { AppMetrics, SystemMetrics } from '../monitor/sampler';
import { V1Profile } from '../platform/v1.profile';
import type { WorkerLauncher } from '../vision/worker-host';
import type { SupervisorState } from '../vision/inference.supervisor';
import type { ItemVerdict } from '../../src-preload/contract';
import type { Logger } from '../log/logger';
import { createAppHandlers, type RuntimeInfo } from './app.handlers';
import { systemClock, type Clock } from '../kernel/clock';
import { EventHub } from '../kernel/event-hub';
import { HealthService } from '../kernel/health.service';
import { startHeartbeat } from '../kernel/heartbeat.service';
import { createRouter, type Router } from '../kernel/router';
import { UpdateWindow } from './update-window';
import { SetupService } from '../setup/setup.service';
import type { Liveness } from './watchdog';

/** How long the inference worker may be restarting before the watchdog gives up on this process. */
export const WORKER_GRACE_MS = 120_000;

export interface CoreDeps {
  /** The kiosk's data folder: database, machine secret, logs. */
  readonly dataDir: string;
  readonly loaded: LoadedConfig;
  readonly logger: Logger;
  readonly runtime: RuntimeInfo;
  readonly clock?: Clock;
  /** Defaults to the driver named in config (hardware.driver). */
  readonly hardware?: Hardware;
  /** How the inference worker starts; defaults to forking dist/main/inference-worker.js. */
  readonly visionLauncher?: WorkerLauncher;
  /** Restarts the whole kiosk (Electron relaunch, or exit for the service manager). */
  readonly restart?: () => void;
  /** Replaces systeminformation in tests (fixed CPU, memory …). */
  readonly sampleSystem?: (dataDir: string) => Promise<SystemMetrics>;
}

/**
 * Composition root: wires every main-side service and owns their start/stop. Transports (Electron
 * IPC, the headless WebSocket) only see `router` and `hub`.
 */
export class KioskCore {
  readonly router: Router;
  readonly hub: EventHub;
  readonly health: HealthService;
  readonly deposit: DepositModule;
  readonly vision: VisionModule | undefined;
  readonly platform: PlatformModule;
  readonly monitor: MonitorModule;
  readonly maintenance: MaintenanceAccess;
  /** Undefined when the machine secret (the backup key's source) cannot be read. */
  readonly backup: BackupService | undefined;
  /** Model updates named by the platform (v1 ai_model); undefined with vision off. */
  readonly models: ModelUpdater | undefined;
  /** First-boot provisioning (src-main/setup). */
  readonly setup: SetupService;
  /** The safe window for software updates (build/linux/rvm-kiosk-update). */
  readonly updates: UpdateWindow;
  readonly #deps: CoreDeps;
  #backupStats: { at: number; usePercent: number | null; ageH: number | null } | undefined;
  /** Worker restart counts over the last 10 minutes, and the last dropped-frame count, for the monitor. */
  readonly #restartHistory: Array<[at: number, restarts: number]> = [];
  #lastDropped: [at: number, dropped: number] | undefined;
  #exporter: PrometheusExporter | undefined;
  readonly #clock: Clock;
  #stopHeartbeat: (() => void) | undefined;
  readonly #unsubscribe: Array<() => void> = [];
  #depositsSinceStart = 0;
  #restartPending = false;
  #workerDownSince: number | undefined;
  #framesDir: string | undefined;
  #state: 'new' | 'started' | 'stopped' = 'new';
  readonly #startedAt: number;

  constructor(deps: CoreDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#startedAt = this.#clock.now();
    this.hub = new EventHub(deps.logger);
    this.health = new HealthService(this.#clock);
    this.health.register('config', () => configHealth(deps.loaded));
    const { hub } = this;
    const { logger } = deps;
    this.deposit = createDepositModule({
      dataDir: deps.dataDir,
      config: deps.loaded.config,
      hub,
      clock: this.#clock,
      logger: deps.logger,
      platformOnline: () => this.platform.online(),
      ...(deps.hardware ? { hardware: deps.hardware } : {}),
    });
    this.health.register('deposit', this.deposit.probe);
    this.platform = new PlatformModule({
      config: deps.loaded.config,
      dataDir: deps.dataDir,
      appVersion: pkg.version,
      outbox: this.deposit.outbox,
      sessions: this.deposit.sessions,
      hub,
      clock: this.#clock,
      logger,
      binLevelPercent: () => this.deposit.hardware?.binLevelPercent() ?? 0,
      depositsSinceStart: () => this.#depositsSinceStart,
      qrTarget: this.#qrTarget(),
      cameras: () => this.#cameras(),
      onRestart: () => this.#restartWhenIdle('the platform asked'),
      onModelTarget: (target) => void this.models?.offer(target),
      modelVersion: () => this.vision?.modelVersion ?? null,
      vitals: () => this.monitor.latest(),
      alerts: () => this.monitor.activeAlerts(),
    });
    this.health.register('platform', this.platform.probe);
    this.vision = deps.loaded.config.vision.enabled ? this.#createVision() : undefined;
    const vision = this.vision;
    this.models = vision
      ? new ModelUpdater({
          dataDir: deps.dataDir,
          clock: this.#clock,
          logger,
          current: () => ({ version: vision.modelVersion, manifestPath: vision.manifestPath }),
          swap: (manifest) => vision.swapModel(manifest),
          idle: () => this.idle(),
        })
      : undefined;
    this.backup = this.#createBackup();
    this.monitor = new MonitorModule({
      config: deps.loaded.config,
      dataDir: deps.dataDir,
      clock: this.#clock,
      logger,
      hub,
      machineName: deps.loaded.config.machine.name,
      appMetrics: () => this.#appMetrics(),
      ...(deps.loaded.fallback ? { configProblem: configHealth(deps.loaded).detail } : {}),
      ...(deps.sampleSystem ? { sampleSystem: deps.sampleSystem } : {}),
    });
    const profile = this.platform.profile;
    this.maintenance = new MaintenanceAccess({
      config: deps.loaded.config.maintenance,
      clock: this.#clock,
      logger,
      // With the durable machine state; only a store that did not open falls back to the metrics file.
      kv: this.deposit.settings ?? this.monitor.store,
      audit: (entry) => this.#audit(entry),
      platformPin: profile instanceof V1Profile ? (pin) => profile.checkPin(pin) : undefined,
      onChanged: (open) => this.#maintenanceChanged(open),
    });
    this.setup = new SetupService({
      dataDir: deps.dataDir,
      loaded: deps.loaded,
      clock: this.#clock,
      logger,
      appVersion: pkg.version,
      restart: deps.restart,
    });
    this.updates = new UpdateWindow({
      dataDir: deps.dataDir,
      clock: this.#clock,
      logger: logger.scope('update'),
      idle: () => this.idle(),
      hold: (reason) => this.deposit.service?.setOutOfService('updating', reason),
    });
    this.router = createRouter(
      {
        app: createAppHandlers(deps.loaded, this.health, deps.runtime),
        deposit: this.deposit.handlers,
        platform: this.platform.handlers,
        vision: {},
        monitor: this.monitor.handlers,
        setup: this.setup.handlers(),
        backup: createBackupHandlers({
          backup: this.backup,
          deposit: this.deposit.service,
          restart: deps.restart ? (why) => this.#restartWhenIdle(why) : undefined,
          exportRoots: deps.loaded.config.maintenance.exportRoots,
          logger,
        }),
        maintenance: createMaintenanceHandlers({
          access: this.maintenance,
          loaded: deps.loaded,
          dataDir: deps.dataDir,
          clock: this.#clock,
          logger,
          hub,
          monitor: this.monitor,
          health: () => this.health.snapshot(),
          vision: this.vision,
          models: this.models,
          hardware: this.deposit.hardware,
          deposit: this.deposit.service,
          foreignStore: this.deposit.foreignStore,
          restart: deps.restart ? (why) => this.#restartWhenIdle(why) : undefined,
          audit: this.deposit.audit,
          settings: this.deposit.settings,
        }),
      },
      logger,
      this.maintenance,
      [(client) => this.setup.clientGone(client)],
    );
  }

  start(): void {
    if (this.#state !== 'new') throw new Error(`KioskCore.start() called when ${this.#state}`);
    this.#state = 'started';
    const { config } = this.#deps.loaded;
    this.#stopHeartbeat = startHeartbeat(this.hub, this.health, this.#clock, config.heartbeat.intervalMs);
    void this.vision?.start();
    // A committed item or session is handed to the outbox worker at once, not at its next poll.
    const kick = () => this.platform.worker?.kick();
    this.#unsubscribe.push(
      this.hub.subscribe('deposit.item', () => {
        this.#depositsSinceStart++;
        kick();
      }),
      this.hub.subscribe('deposit.session', () => {
        kick();
        this.platform.depositChanged();
        this.updates.poll();
      }),
    );
    this.platform.start();
    applyMachineStatus(this.deposit.service, savedMachineStatus(this.deposit.settings));
    this.monitor.start();
    this.backup?.start();
    this.updates.start();
    if (this.setup.required) {
      this.deposit.service?.setOutOfService('setup', 'not set up yet: a technician completes setup on this screen');
      this.setup.start();
    }
    this.#deps.logger.info(`core started (${config.environment}, machine "${config.machine.name}")`);
  }

  /** Runs `fn` when the core stops (transports started beside it). */
  onStop(fn: () => void): void {
    this.#unsubscribe.push(fn);
  }

  /** Stops services and closes the store; safe to call in any state, and twice. */
  stop(): void {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#stopHeartbeat?.();
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.updates.stop();
    this.maintenance.stop();
    this.setup.stop();
    this.backup?.stop();
    this.monitor.stop();
    this.platform.stop();
    this.vision?.stop();
    this.deposit.stop();
    this.health.stop();
    this.#deps.logger.info('core stopped');
  }

  /**
   * For systemd's watchdog (src-main/core/watchdog.ts): the store answers and the inference worker is
   * up. A worker restarting is given WORKER_GRACE_MS; one refused for its model is not a watchdog matter
   * (a restart loads the same file; the kiosk shows why it is out of service).
   */
  liveness(): Liveness {
    const problems: string[] = [];
    const store = this.deposit.answers();
    if (store) problems.push(store);
    const worker = workerLiveness(this.vision?.supervisor?.state, this.#workerDownSince, this.#clock.now());
    this.#workerDownSince = worker.downSince;
    if (worker.problem) problems.push(worker.problem);
    return { ok: problems.length === 0, problems };
  }

  /** Prometheus text of this kiosk, for the remote server's /metrics (created on first use). */
  prometheus(): PrometheusExporter {
    this.#exporter ??= createPrometheusExporter({
      latest: () => this.monitor.latest(),
      activeAlerts: () => this.monitor.activeAlerts(),
      health: () => this.health.snapshot(),
      now: () => this.#clock.now(),
      labels: {
        machine: this.#deps.loaded.config.machine.name,
        machineId: this.#deps.loaded.config.machine.id,
        version: pkg.version,
      },
    });
    return this.#exporter;
  }

  /** No customer session is open and no technician is in maintenance: updates and model swaps may go ahead. */
  idle(): boolean {
    if (this.maintenance.open) return false;
    const state = this.deposit.service?.snapshot().state;
    return state === undefined || state === 'idle' || state === 'out_of_service';
  }

  /** A restart never cuts a customer's session short: it waits until the kiosk is idle. */
  #restartWhenIdle(why: string): void {
    const restart = this.#deps.restart;
    if (!restart) {
      this.#deps.logger.warn('a restart was requested, but this runtime cannot restart itself');
      return;
    }
    if (this.#restartPending) return;
    this.#restartPending = true;
    const idle = () => {
      const state = this.deposit.service?.snapshot().state;
      return state === undefined || state === 'idle' || state === 'out_of_service';
    };
    const go = () => {
      this.#deps.logger.warn(`restarting: ${why}`);
      restart();
    };
    if (idle()) return go();
    this.#deps.logger.warn('restart requested: waiting for the current customer to finish');
    const unsubscribe = this.hub.subscribe('deposit.session', () => {
      if (!idle()) return;
      unsubscribe();
      go();
    });
    this.#unsubscribe.push(unsubscribe);
  }

  /**
   * While a technician is in maintenance, customers see "maintenance" (an open session is closed
   * with its credit first). Deliveries go on: a retried delivery should be seen to land.
   */
  #maintenanceChanged(open: boolean): void {
    this.deposit.service?.setOutOfService(
      'maintenance',
      open ? 'maintenance: a technician is working on the machine' : null,
    );
    this.hub.publish('maintenance.changed', { open });
    if (!open) this.updates.poll();
  }

  /** Every technician's action, in the deposit database's audit log (and the log file if that is broken). */
  #audit(entry: { actor: string; action: string; detail: string | null; result: string }): void {
    const line = `audit: ${entry.actor} ${entry.action}${entry.detail ? ` ${entry.detail}` : ''} → ${entry.result}`;
    const repo = this.deposit.audit;
    try {
      if (!repo) throw new Error('the local store is unavailable');
      repo.append({ at: this.#clock.now(), ...entry });
      this.#deps.logger.info(line);
    } catch (error) {
      this.#deps.logger.warn(`${line} (not in the audit table: ${(error as Error).message})`);
    }
  }

  /** The app's own numbers for the monitor, read every sample. */
  #appMetrics(): AppMetrics {
    const now = this.#clock.now();
    const stats = this.vision?.stats();
    const vision = stats?.metrics;
    let restarts10m: number | null = null;
    if (vision) {
      this.#restartHistory.push([now, vision.restarts]);
      while (this.#restartHistory.length > 1 && now - this.#restartHistory[0]![0] > 600_000)
        this.#restartHistory.shift();
      restarts10m = vision.restarts - this.#restartHistory[0]![1];
    }
    let droppedPerMin: number | null = null;
    if (stats?.camera !== undefined) {
      const [at, dropped] = this.#lastDropped ?? [now, stats.droppedFrames];
      droppedPerMin = now > at ? Math.round(((stats.droppedFrames - dropped) * 60_000) / (now - at)) : 0;
      this.#lastDropped = [now, stats.droppedFrames];
    }
    const link = this.platform.status();
    const platformOn = link.state !== 'disabled';
    const sessions = this.deposit.sessions;
    let itemsPerHour: number | null = null;
    try {
      itemsPerHour = sessions ? sessions.acceptedSince(now - 3_600_000) : null;
    } catch {
      // A store that broke since start: the chart shows a gap, the deposit flow reports the cause.
    }
    return {
      inferenceMs: vision?.inferenceMsEma === null || !vision ? null : Math.round(vision.inferenceMsEma * 10) / 10,
      detectionsPerS: vision ? vision.detectionsPerSecond : null,
      droppedFramesPerMin: droppedPerMin,
      workerRestarts: vision ? vision.restarts : null,
      workerRestarts10m: restarts10m,
      workerUnstable: vision ? (vision.state === 'backoff' ? 1 : 0) : null,
      cameraDown: stats?.camera === undefined ? null : stats.camera === 'streaming' ? 0 : 1,
      eventLoopLagMs: Math.round(this.health.lagP99Ms() * 10) / 10,
      outboxBacklog: platformOn ? link.backlog.count : null,
      outboxOldestAgeS:
        platformOn && link.backlog.oldestAt !== null
          ? Math.max(0, Math.round((now - link.backlog.oldestAt) / 1000))
          : platformOn
            ? 0
            : null,
      platformDown: platformOn ? (link.state === 'online' ? 0 : 1) : null,
      binLevelPercent: this.deposit.hardware ? Math.round(this.deposit.hardware.binLevelPercent() * 10) / 10 : null,
      hardwareFault: this.deposit.hardware ? (this.deposit.hardware.health().ok ? 0 : 1) : null,
      storageFault: this.deposit.service?.storageFull() === false ? 0 : 1,
      configFault: this.#deps.loaded.fallback ? 1 : 0,
      itemsPerHour,
      ...this.#backupMetrics(now),
    };
  }

  /** Backup folder use and the newest verified database backup's age; read at most once a minute. */
  #backupMetrics(now: number): { backupUsePercent: number | null; backupAgeH: number | null } {
    const backup = this.backup;
    if (!backup) return { backupUsePercent: null, backupAgeH: null };
    if (!this.#backupStats || now - this.#backupStats.at >= 60_000) {
      try {
        const list = backup.list();
        const newest = list.find((b) => b.kind === 'database' && b.verified?.ok);
        this.#backupStats = {
          at: now,
          usePercent: backup.usage(list).percentOfCap,
          // Before the first backup, count from start: a new machine is not alarmed for 3 h.
          ageH: Math.round(((now - (newest?.createdAt ?? this.#startedAt)) / 3_600_000) * 10) / 10,
        };
      } catch {
        this.#backupStats = { at: now, usePercent: null, ageH: null };
      }
    }
    return { backupUsePercent: this.#backupStats.usePercent, backupAgeH: this.#backupStats.ageH };
  }

  #createBackup(): BackupService | undefined {
    try {
      return new BackupService({
        dataDir: this.#deps.dataDir,
        config: this.#deps.loaded.config.backup,
        machineSecret: loadMachineSecret(this.#deps.dataDir),
        appVersion: pkg.version,
        clock: this.#clock,
        logger: this.#deps.logger,
      });
    } catch (error) {
      this.#deps.logger.error(`backups are off: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** The chamber camera as the platform's discovery lists it (a stream address without credentials). */
  #cameras(): CameraInfo[] {
    const { vision } = this.#deps.loaded.config;
    const camera = vision.camera;
    const path =
      camera.kind === 'v4l2'
        ? camera.device
        : camera.kind === 'replay'
          ? camera.folder
          : redactUrl(camera.url, () => '(stream)');
    const broken = this.deposit.service?.snapshot().outOfService.some((r) => r.startsWith('camera'));
    const status = !vision.enabled ? 'inactive' : broken ? 'error' : 'active';
    return [{ id: 'chamber', path, name: `chamber (${camera.kind})`, status }];
  }

  /** The deposit flow as the member QR login sees it. */
  #qrTarget(): QrTarget | undefined {
    const service = this.deposit.service;
    if (!service) return undefined;
    return {
      identifying: () => service.snapshot().state === 'identifying',
      show: (qr) => service.showQr(qr),
      identify: (member, platformSession) => void service.identifyMember(member, platformSession),
    };
  }

  #createVision(): VisionModule {
    const deposit = this.deposit;
    return new VisionModule({
      config: this.#deps.loaded.config.vision,
      readBarcodes:
        Object.keys(this.#deps.loaded.config.vision.eligibleBarcodes).length > 0 ||
        Object.keys(this.#deps.loaded.config.deposit.barcodePoints).length > 0,
      dataDir: this.#deps.dataDir,
      clock: this.#clock,
      logger: this.#deps.logger,
      ...(this.#deps.visionLauncher ? { launcher: this.#deps.visionLauncher } : {}),
      onVerdict: (verdict, frame) => void this.#onVerdict(verdict, frame),
      onChamberEmpty: () => deposit.service?.chamberCleared(),
      onPreview: (frame) => this.hub.publish('vision.preview', frame),
      previewActive: () => deposit.service?.snapshot().state === 'inserting',
      outOfService: (key, reason) => deposit.service?.setOutOfService(key, reason),
    });
  }

  /** A verdict counts only inside an open session; between sessions the chamber is just watched. */
  async #onVerdict(verdict: ItemVerdict, frame: Frame): Promise<void> {
    const service = this.deposit.service;
    if (service?.snapshot().state !== 'inserting') {
      this.#deps.logger.info(`verdict outside a session ignored (${verdict.className})`);
      return;
    }
    const imagePath = verdict.accepted ? await this.#saveFrame(frame) : undefined;
    await service
      .acceptVerdict(verdict, imagePath ? { imagePath } : {})
      .catch((error: Error) => this.#deps.logger.warn(`verdict not counted: ${error.message}`));
  }

  /** The verdict frame as JPEG under <data>/frames (uploaded with the item, deleted once delivered). */
  async #saveFrame(frame: Frame): Promise<string | undefined> {
    try {
      if (!this.#framesDir) {
        this.#framesDir = join(this.#deps.dataDir, 'frames');
        mkdirSync(this.#framesDir, { recursive: true });
      }
      const path = join(this.#framesDir, `${ulid()}.jpg`);
      await sharp(frame.rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } })
        .jpeg({ quality: 80 })
        .toFile(path);
      return path;
    } catch (error) {
      // The credit matters more than the picture: the item is still counted.
      this.#deps.logger.warn(`verdict frame not saved: ${(error as Error).message}`);
      return undefined;
    }
  }
}

/**
 * The inference worker's part of the watchdog's liveness: since when it has not been ready (carried
 * between calls) and, past WORKER_GRACE_MS, the problem. No supervisor (vision off, or no model to
 * start) and a refused model count as live.
 */
export function workerLiveness(
  state: SupervisorState | undefined,
  downSince: number | undefined,
  now: number,
): { downSince: number | undefined; problem: string | null } {
  if (state === undefined || state === 'ready' || state === 'model_refused')
    return { downSince: undefined, problem: null };
  const since = downSince ?? now;
  const problem =
    now - since > WORKER_GRACE_MS
      ? `the inference worker has not been ready for ${Math.round((now - since) / 1000)} s (${state})`
      : null;
  return { downSince: since, problem };
}
