import { join } from 'node:path';
import { loadConfig, resolveDataDir, secretValues, type LoadedConfig } from '../config/config.loader';
import { machineTimeZone } from '../config/config.schema';
import { createLogger, type Logger } from '../log/logger';
import type { RuntimeInfo } from './app.handlers';
import { systemClock } from '../kernel/clock';
import type { CoreDeps } from './core-parts';
import { KioskCore } from './kiosk-core';
import { watchdogFromEnv } from './watchdog';

export interface Booted {
  readonly dataDir: string;
  readonly loaded: LoadedConfig;
  readonly logger: Logger;
  readonly core: KioskCore;
}

/**
 * The start-up both runtimes share: data folder → config (throws ConfigError, changing nothing) →
 * logger → core. The caller starts the core and its transport.
 */
export function bootstrap(
  runtime: RuntimeInfo,
  env: NodeJS.ProcessEnv = process.env,
  dataDir = resolveDataDir(env),
  extra: Pick<CoreDeps, 'visionLauncher' | 'barcodeLauncher' | 'restart'> = {},
): Booted {
  const loaded = loadConfig(dataDir, env, { fallBackToLastGood: true });
  const { config } = loaded;
  const logger = createLogger({
    dir: join(dataDir, 'logs'),
    level: config.log.level,
    maxFileMb: config.log.maxFileMb,
    secrets: secretValues(config),
  });
  // The machine's zone for every local time in this process (log lines, daily caps, receipts), set before
  // anything reads the clock's zone. Unset config keeps the system's.
  const zone = machineTimeZone(config);
  if (zone !== process.env.TZ && (config.machine.timeZone || config.platform.profile === 'v2')) {
    process.env.TZ = zone;
    logger.info(`times are shown in ${zone}`);
  }
  if (loaded.fallback) {
    const keys = loaded.fallback.problems.map((p) => `${p.key} (${p.rule})`).join('; ');
    logger.error(
      `config.json is invalid: ${keys}. Running on ${loaded.fallback.usedFile}; fix config.json and restart the kiosk.`,
    );
  }
  const core = new KioskCore({ dataDir, loaded, logger, runtime, ...extra });
  return { dataDir, loaded, logger, core };
}

/** EX_CONFIG from sysexits.h: systemd and technicians can tell a config refusal from a crash. */
export const EXIT_CONFIG = 78;
/** EX_TEMPFAIL: the platform asked for a restart; the service manager starts the kiosk again. */
export const EXIT_RESTART = 75;

/**
 * Under systemd with WatchdogSec= (build/linux/rvm-kiosk.service): WATCHDOG=1 while the core is
 * healthy. Returns the stop function (a no-op elsewhere). Call after core.start().
 */
export function startWatchdog(
  booted: Booted,
  env: NodeJS.ProcessEnv = process.env,
  /** A runtime's own liveness beside the core's (Electron: a screen blank or hung for minutes). */
  extra: () => string | null = () => null,
): () => void {
  const watchdog = watchdogFromEnv(env, {
    check: () => {
      const core = booted.core.liveness();
      const problem = extra();
      return problem ? { ok: false, problems: [...core.problems, problem] } : core;
    },
    clock: systemClock,
    logger: booted.logger,
  });
  watchdog?.start();
  return () => watchdog?.stop();
}
