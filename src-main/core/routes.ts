import { createBackupHandlers } from '../backup/backup.handlers';
import { datasetOff } from '../dataset/dataset.module';
import type { Clock } from '../kernel/clock';
import { createRouter, type Router } from '../kernel/router';
import { createMaintenanceHandlers } from '../maintenance/maintenance.handlers';
import { createAppHandlers } from './app.handlers';
import type { CoreDeps, CoreParts } from './core-parts';

/** Every contract channel to its module's handler: the one router both transports call. */
export function createRoutes(core: CoreParts, deps: CoreDeps, clock: Clock): Router {
  const { loaded, logger, dataDir } = deps;
  const service = core.deposit.service;
  const restart = deps.restart && ((why: string) => core.lifecycle.restartWhenIdle(why));
  return createRouter(
    {
      app: createAppHandlers(loaded, core.health, deps.runtime),
      deposit: core.deposit.handlers,
      platform: core.platform.handlers,
      vision: {},
      monitor: core.monitor.handlers,
      setup: core.setup.handlers(),
      payout: core.payout.handlers(),
      dataset: core.dataset?.handlers() ?? datasetOff(),
      backup: createBackupHandlers({
        backup: core.backup,
        deposit: service,
        restart,
        logger,
        exportRoots: loaded.config.maintenance.exportRoots,
      }),
      maintenance: createMaintenanceHandlers({
        access: core.maintenance,
        loaded,
        dataDir,
        clock,
        logger,
        hub: core.hub,
        restart,
        monitor: core.monitor,
        vision: core.vision,
        models: core.models,
        hardware: core.hardware,
        deposit: service,
        health: () => core.health.snapshot(),
        foreignStore: core.store.foreign,
        audit: core.store.repos?.audit,
        settings: core.store.repos?.settings,
      }),
    },
    logger,
    core.maintenance,
    [(client) => core.setup.clientGone(client)],
  );
}
