import type { LoadedConfig } from '../config/config.loader';
import { createDepositModule, type DepositModule } from '../deposit/deposit.module';
import type { Hardware } from '../hardware/hardware';
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
    this.#deps.logger.info(`core started (${config.environment}, machine "${config.machine.name}")`);
  }

  /** Stops services and closes the store; safe to call in any state, and twice. */
  stop(): void {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#stopHeartbeat?.();
    this.deposit.stop();
    this.health.stop();
    this.#deps.logger.info('core stopped');
  }
}
