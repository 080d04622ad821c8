import type { LoadedConfig } from '../config/config.loader';
import { createDepositModule, type DepositModule } from '../deposit/deposit.module';
import type { Hardware } from '../hardware/hardware';
import { VisionModule } from '../vision/vision.module';
import type { WorkerLauncher } from '../vision/worker-host';
import type { ItemVerdict } from '../../src-preload/contract';
import type { Logger } from '../log/logger';
import { createAppHandlers, type RuntimeInfo } from './app.handlers';
import { systemClock, type Clock } from './clock';
import { EventHub } from './event-hub';
import { HealthService } from './health.service';
import { startHeartbeat } from './heartbeat.service';
import { createRouter, type Router } from './router';

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
  readonly #deps: CoreDeps;
  readonly #clock: Clock;
  #stopHeartbeat: (() => void) | undefined;
  #state: 'new' | 'started' | 'stopped' = 'new';

  constructor(deps: CoreDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.hub = new EventHub(deps.logger);
    this.health = new HealthService(this.#clock);
    this.health.register('config', () => ({
      status: 'ok',
      detail: deps.loaded.loadedFromFile ? `loaded ${deps.loaded.path}` : 'defaults (no config file)',
    }));
    const { hub } = this;
    const { logger } = deps;
    this.deposit = createDepositModule({
      dataDir: deps.dataDir,
      config: deps.loaded.config,
      hub,
      clock: this.#clock,
      logger: deps.logger,
    });
    this.health.register('deposit', this.deposit.probe);
    this.vision = deps.loaded.config.vision.enabled ? this.#createVision() : undefined;
    this.router = createRouter(
      { app: createAppHandlers(deps.loaded, this.health, deps.runtime), deposit: this.deposit.handlers },
      logger,
    );
  }

  start(): void {
    if (this.#state !== 'new') throw new Error(`KioskCore.start() called when ${this.#state}`);
    this.#state = 'started';
    const { config } = this.#deps.loaded;
    this.#stopHeartbeat = startHeartbeat(this.hub, this.health, this.#clock, config.heartbeat.intervalMs);
    void this.vision?.start();
    this.#deps.logger.info(`core started (${config.environment}, machine "${config.machine.name}")`);
  }

  /** Stops services and closes the store; safe to call in any state, and twice. */
  stop(): void {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#stopHeartbeat?.();
    this.vision?.stop();
    this.deposit.stop();
    this.health.stop();
    this.#deps.logger.info('core stopped');
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
      onVerdict: (verdict) => this.#onVerdict(verdict),
      onChamberEmpty: () => deposit.service?.chamberCleared(),
      outOfService: (key, reason) => deposit.service?.setOutOfService(key, reason),
    });
  }

  /** A verdict counts only inside an open session; between sessions the chamber is just watched. */
  #onVerdict(verdict: ItemVerdict): void {
    const service = this.deposit.service;
    if (service?.snapshot().state !== 'inserting') {
      this.#deps.logger.info(`verdict outside a session ignored (${verdict.className})`);
      return;
    }
    service
      .acceptVerdict(verdict)
      .catch((error: Error) => this.#deps.logger.warn(`verdict not counted: ${error.message}`));
  }
}
