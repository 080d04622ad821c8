import { arch, platform } from 'node:process';
import pkg from '../../package.json' with { type: 'json' };
import { redactConfig, type LoadedConfig } from '../config/config.loader';
import { machineTimeZone } from '../config/config.schema';
import type { Handlers } from '../kernel/contract-types';
import type { HealthService } from '../kernel/health.service';

export interface RuntimeInfo {
  readonly runtime: 'electron' | 'headless';
  readonly electronVersion: string | null;
}

export function createAppHandlers(loaded: LoadedConfig, health: HealthService, runtime: RuntimeInfo): Handlers['app'] {
  const { config } = loaded;
  return {
    info: () => ({
      name: pkg.productName,
      version: pkg.version,
      environment: config.environment,
      machineName: config.machine.name,
      defaultLocale: config.machine.defaultLocale,
      timeZone: machineTimeZone(config),
      runtime: runtime.runtime,
      nodeVersion: process.versions.node,
      electronVersion: runtime.electronVersion,
      platform,
      arch,
    }),
    configView: () => ({
      path: loaded.path,
      loadedFromFile: loaded.loadedFromFile,
      overriddenByEnv: [...loaded.overriddenByEnv],
      values: redactConfig(config),
    }),
    health: () => health.snapshot(),
  };
}
