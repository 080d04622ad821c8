// Shared set-up for the platform contract tests: the platform link (PlatformModule) alone over a real
// config folder, against the double, on a fake clock so heartbeats come when a test moves time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src-main/config/config.loader';
import { EventHub } from '../../src-main/kernel/event-hub';
import { createLogger } from '../../src-main/log/logger';
import type { ComponentHardware } from '../../src-main/platform/machine-components';
import { PlatformModule, type PlatformModuleDeps } from '../../src-main/platform/platform.module';
import type { AuditEntry } from '../../src-main/platform/v1-commands';
import type { PlatformDouble } from '../platform-double/double';
import { FakeClock } from '../support/fake-clock';
import { tempDir } from '../support/test-core';
import { waitFor } from '../support/wait-for';

export const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });

/** The v1 provisioning file for the double's machine, in `dir`. */
export function writeCredentials(dir: string, double: PlatformDouble): void {
  const credentials = { serial_number: double.o.serial, api_key: double.o.apiKey, name: 'Contract RVM' };
  writeFileSync(join(dir, 'rvm-credentials.json'), JSON.stringify(credentials), { mode: 0o600 });
}

export const v1Env = (double: PlatformDouble): NodeJS.ProcessEnv => ({
  RVM_PLATFORM__PROFILE: 'v1',
  RVM_PLATFORM__BASE_URL: double.url,
});

export const v2Env = (double: PlatformDouble, apiKey = true): NodeJS.ProcessEnv => ({
  RVM_PLATFORM__PROFILE: 'v2',
  RVM_PLATFORM__BASE_URL: double.url,
  RVM_PLATFORM__V2__RVM_ID: String(double.o.rvmId),
  RVM_PLATFORM__V2__EMAIL: double.o.email,
  RVM_PLATFORM__V2__PASSWORD: double.o.password,
  ...(apiKey ? { RVM_PLATFORM__V2__API_KEY: double.o.machineApiKey } : {}),
});

/** Hardware that records what the platform's commands moved. */
export function recordingHardware(): { hardware: ComponentHardware; moved: string[] } {
  const moved: string[] = [];
  return {
    moved,
    hardware: {
      test: async (part) => {
        moved.push(part);
        return `${part} exercised`;
      },
      binLevelPercent: () => 37,
      weightG: () => 24,
    },
  };
}

export interface Link {
  readonly module: PlatformModule;
  readonly dir: string;
  readonly clock: FakeClock;
  readonly hub: EventHub;
  readonly audit: AuditEntry[];
  stop(): void;
}

/**
 * The platform link alone (no store) on a fake clock. `dir` reuses a data folder (a restart);
 * `deps` adds ports. The caller stops it (cleanups).
 */
export function openLink(
  double: PlatformDouble,
  env: NodeJS.ProcessEnv,
  o: { deps?: Partial<PlatformModuleDeps>; dir?: string } = {},
): Link {
  const own = o.dir ? undefined : tempDir('rvm-link-');
  const dir = o.dir ?? own!.dir;
  if (env.RVM_PLATFORM__PROFILE === 'v1') writeCredentials(dir, double);
  const clock = new FakeClock(Date.now());
  const hub = new EventHub(logger);
  const audit: AuditEntry[] = [];
  const module = new PlatformModule({
    config: loadConfig(dir, { RVM_MACHINE__NAME: 'RVM-LINK-01', ...env }).config,
    dataDir: dir,
    appVersion: '0.1.0',
    outbox: undefined,
    sessions: undefined,
    hub,
    clock,
    logger,
    binLevelPercent: () => 37,
    addresses: () => ({ local: '192.168.7.20', vpn: null }),
    audit: (entry) => audit.push(entry),
    ...o.deps,
  });
  return {
    module,
    dir,
    clock,
    hub,
    audit,
    stop: () => {
      module.stop();
      own?.cleanup();
    },
  };
}

/** Moves the fake clock a step at a time (heartbeats fall due) until `done` holds. */
export function pump(clock: FakeClock, stepMs: number, what: string, done: () => boolean): Promise<void> {
  return waitFor(what, () => {
    if (done()) return true;
    clock.advance(stepMs);
    return done();
  });
}
