import { configHealth } from '../config/config.loader';
import { machineTimeZone } from '../config/config.schema';
import { DatasetModule } from '../dataset/dataset.module';
import { AlertNotifier } from '../notify/alert-notifier';
import type { Clock } from '../kernel/clock';
import { auditTrail } from '../maintenance/audit-trail';
import { MaintenanceAccess } from '../maintenance/maintenance-access';
import { MonitorModule } from '../monitor/monitor.module';
import { PlatformModule } from '../platform/platform.module';
import { chamberCameras } from '../vision/camera-info';
import { ModelUpdater } from '../vision/model-updater';
import { VisionModule } from '../vision/vision.module';
import pkg from '../../package.json' with { type: 'json' };
import type { CoreDeps, CoreParts } from './core-parts';

// Wiring for the modules with the most connections, kept apart so the root stays readable. Each
// function only passes one module's ports to another; none holds behaviour.

/** The MyRVM link: the store's outbox and sessions to deliver, and what its heartbeat, discovery and commands reach. */
export function createPlatform(core: CoreParts, deps: CoreDeps, clock: Clock): PlatformModule {
  const { config } = deps.loaded;
  const service = core.deposit.service;
  const repos = core.store.repos;
  return new PlatformModule({
    config,
    dataDir: deps.dataDir,
    hub: core.hub,
    clock,
    logger: deps.logger,
    appVersion: pkg.version,
    outbox: repos?.outbox,
    sessions: repos?.sessions,
    settings: repos?.settings,
    binLevelPercent: () => core.hardware.binLevelPercent(),
    qrTarget: core.deposit.qrTarget,
    cameras: () => chamberCameras(config.vision, !!service?.snapshot().outOfService.some((r) => r.code === 'camera')),
    onRestart: (why) => core.lifecycle.restartWhenIdle(why),
    onModelTarget: (target) => void core.models?.offer(target),
    modelVersion: () => core.vision?.modelVersion ?? null,
    vitals: () => core.monitor.latest(),
    alerts: () => core.monitor.activeAlerts(),
    // Platform commands (v1): what they act on, each audited.
    hardware: core.hardware,
    customerIdle: () => core.lifecycle.customerIdle(),
    audit: auditTrail(repos?.audit, clock, deps.logger),
    maintenance: (reason) => service?.setOutOfService('maintenance', reason),
    technicianIn: () => core.maintenance.open,
    assignmentOf: (client) => core.maintenance.assignmentOf(client),
    ...(config.vision.enabled
      ? {
          offerModel: async (target) =>
            core.models?.offer(target) ?? { state: 'refused', reason: 'the model updater is not running' },
          // CAPTURE_IMAGE: the newest chamber picture (null before the camera delivered one).
          captureFrame: async () => (await core.vision?.captureFrame()) ?? null,
        }
      : {}),
  });
}

/** Vision hands verdicts to the deposit intake and its conditions to the deposit flow; undefined with vision off. */
export function createVision(core: CoreParts, deps: CoreDeps, clock: Clock): VisionModule | undefined {
  const { config } = deps.loaded;
  if (!config.vision.enabled) return undefined;
  const service = core.deposit.service;
  return new VisionModule({
    config: config.vision,
    dataDir: deps.dataDir,
    clock,
    logger: deps.logger,
    readBarcodes: Object.keys({ ...config.vision.eligibleBarcodes, ...config.deposit.barcodePoints }).length > 0,
    pricedMaterials: Object.keys(config.deposit.materials),
    ...(deps.visionLauncher ? { launcher: deps.visionLauncher } : {}),
    ...(deps.barcodeLauncher ? { barcodeLauncher: deps.barcodeLauncher } : {}),
    onVerdict: (verdict, frame) => {
      // Training data from customers' items only (not a technician's hands at work between sessions).
      if (service?.snapshot().state === 'inserting') core.dataset?.capture(verdict, frame);
      void core.deposit.intake.take(verdict, frame);
    },
    onChamberEmpty: () => service?.chamberCleared(),
    onPreview: (frame) => core.hub.publish('vision.preview', frame),
    previewActive: () => service?.snapshot().state === 'inserting',
    outOfService: (key, reason) => service?.setOutOfService(key, reason),
  });
}

/** The machine's own training data; undefined with vision or the dataset off. */
export function createDataset(core: Pick<CoreParts, 'vision'>, deps: CoreDeps): DatasetModule | undefined {
  const { config } = deps.loaded;
  if (!config.vision.enabled || !config.vision.dataset.enabled) return undefined;
  try {
    return new DatasetModule({
      config,
      dataDir: deps.dataDir,
      logger: deps.logger,
      modelVersion: () => core.vision?.modelVersion ?? null,
      modelNames: () => core.vision?.supervisor?.info?.names,
    });
  } catch (error) {
    deps.logger.scope('dataset').error(`training data is off: ${(error as Error).message}`);
    return undefined;
  }
}

/** Model updates named by the platform, swapped in only while the kiosk is idle; undefined with vision off. */
export function createModelUpdater(core: CoreParts, deps: CoreDeps, clock: Clock): ModelUpdater | undefined {
  const vision = core.vision;
  if (!vision) return undefined;
  return new ModelUpdater({
    dataDir: deps.dataDir,
    clock,
    logger: deps.logger,
    current: () => ({ version: vision.modelVersion, manifestPath: vision.manifestPath }),
    swap: (manifest) => vision.swapModel(manifest),
    idle: () => core.lifecycle.idle(),
  });
}

/** The monitor reads every module's numbers through plain functions (it imports no feature). */
export function createMonitor(core: CoreParts, deps: CoreDeps, clock: Clock): MonitorModule {
  const { config } = deps.loaded;
  const repos = core.store.repos;
  return new MonitorModule({
    config,
    dataDir: deps.dataDir,
    clock,
    logger: deps.logger,
    hub: core.hub,
    sources: {
      vision: () => core.vision?.stats(),
      platform: () => core.platform.status(),
      acceptedSince: repos && ((since) => repos.sessions.acceptedSince(since)),
      rejectedSince: repos && ((since) => repos.sessions.rejectedSince(since)),
      platformFailures: () => core.platform.failures,
      hardware: () => ({ binLevelPercent: core.hardware.binLevelPercent(), ok: core.hardware.health().ok }),
      storageFull: () => core.deposit.service?.storageFull(),
      printer: () => {
        const state = core.payout.printer.state();
        return state.configured ? state : undefined;
      },
      configFault: deps.loaded.fallback !== undefined,
      lagP99Ms: () => core.health.lagP99Ms(),
      backup: core.backup,
      startedAt: clock.now(),
    },
    ...(deps.loaded.fallback ? { configProblem: configHealth(deps.loaded).detail } : {}),
    ...(deps.sampleSystem ? { sampleSystem: deps.sampleSystem } : {}),
    ...(core.notifier ? { notifier: core.notifier } : {}),
  });
}

/** Alert notifications (webhook, e-mail) through a durable queue in the store; undefined without a store. */
export function createNotifier(
  core: Pick<CoreParts, 'store'>,
  deps: CoreDeps,
  clock: Clock,
): AlertNotifier | undefined {
  const repos = core.store.repos;
  if (!repos) return undefined;
  const { config } = deps.loaded;
  return new AlertNotifier({
    config,
    timeZone: machineTimeZone(config),
    repo: repos.notifications,
    clock,
    logger: deps.logger,
  });
}

/**
 * Technician access: PINs (the platform's check where it has one), the lockout in the durable store,
 * every action in the audit log. While a technician is in, customers see "maintenance" (an open
 * session closes with its credit first); deliveries go on.
 */
export function createMaintenanceAccess(core: CoreParts, deps: CoreDeps, clock: Clock): MaintenanceAccess {
  const repos = core.store.repos;
  const service = core.deposit.service;
  return new MaintenanceAccess({
    config: deps.loaded.config.maintenance,
    clock,
    logger: deps.logger,
    // With the durable machine state; only a store that did not open falls back to the metrics file.
    kv: repos?.settings ?? core.monitor.store,
    audit: auditTrail(repos?.audit, clock, deps.logger),
    platformPin: core.platform.profile?.checkPin,
    onChanged: (open) => {
      service?.setOutOfService('maintenance', open ? 'maintenance: a technician is working on the machine' : null);
      core.hub.publish('maintenance.changed', { open });
      if (!open) core.updates.poll();
    },
  });
}
