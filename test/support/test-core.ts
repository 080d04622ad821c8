import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src-main/config/config.loader';
import type { CoreDeps } from '../../src-main/core/core-parts';
import { KioskCore } from '../../src-main/core/kiosk-core';
import type { Clock } from '../../src-main/kernel/clock';
import type { Hardware } from '../../src-main/hardware/hardware';
import { createLogger } from '../../src-main/log/logger';

export function tempDir(prefix = 'rvm-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real core over a real config folder; the heartbeat runs fast so event tests are quick. */
export function makeTestCore(
  env: NodeJS.ProcessEnv = {},
  options: {
    prepare?: (dataDir: string) => void;
    hardware?: Hardware;
    clock?: Clock;
    restart?: () => void;
    /** An existing data folder (a restart over the same files); the caller removes it. */
    dir?: string;
    sampleSystem?: CoreDeps['sampleSystem'];
  } = {},
) {
  const { dir, cleanup } = options.dir ? { dir: options.dir, cleanup: () => {} } : tempDir();
  options.prepare?.(dir);
  const loaded = loadConfig(dir, {
    RVM_HEARTBEAT__INTERVAL_MS: '250',
    RVM_MACHINE__NAME: 'RVM-TEST-01',
    RVM_VISION__ENABLED: 'false',
    // A machine that has been set up, unless a test is about first-boot setup.
    RVM_SETUP__ENABLED: 'false',
    ...env,
  });
  const logger = createLogger({ dir: join(dir, 'logs'), level: 'warn', maxFileMb: 1, console: false });
  const core = new KioskCore({
    dataDir: dir,
    loaded,
    logger,
    runtime: { runtime: 'headless', electronVersion: null },
    ...(options.hardware ? { hardware: options.hardware } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.restart ? { restart: options.restart } : {}),
    // Fixed vitals unless a test measures the real machine: alerts must not depend on this host's load.
    sampleSystem:
      options.sampleSystem ??
      (async () => ({ cpuPercent: 12, memoryPercent: 34, diskPercent: 56, temperatureC: null })),
  });
  return {
    core,
    loaded,
    logger,
    dir,
    dispose() {
      core.stop();
      cleanup();
    },
  };
}

/** Calls the core's router as one screen would (maintenance sessions belong to a screen). */
export const callAs =
  (core: Pick<KioskCore, 'router'>, client = 'kiosk') =>
  (channel: string, payload?: unknown) =>
    core.router.dispatch(channel, payload, { transport: 'ws', client });
