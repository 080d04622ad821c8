import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src-main/config/config.loader';
import { systemClock } from '../../src-main/kernel/clock';
import type { CallContext } from '../../src-main/kernel/contract-types';
import { EventHub } from '../../src-main/kernel/event-hub';
import { createLogger } from '../../src-main/log/logger';
import { PlatformModule } from '../../src-main/platform/platform.module';
import type { ModelTarget } from '../../src-main/platform/profile';
import { PlatformDouble } from '../platform-double/double';
import { tempDir } from '../support/test-core';
import { waitFor } from '../support/wait-for';

// What only one server generation offers is a capability of its profile; the link uses each one where
// the profile has it and leaves it alone where it does not.

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const technician: CallContext = { transport: 'ws', client: 'kiosk', technician: 'Agus' };
/** Engine registration asked for in the configuration (only a profile that can registers). */
const ENGINE = {
  RVM_PLATFORM__V2__PROCESSING_ENGINE__REGISTER: 'true',
  RVM_PLATFORM__V2__PROCESSING_ENGINE__SERVER_ADDRESS: '10.1.2.3',
};

let double: PlatformDouble;
const cleanups: Array<() => void> = [];
beforeEach(async () => {
  double = await new PlatformDouble().start();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) c();
  await double.close();
});

/** The platform link alone (no store), over a real config folder. */
function link(env: NodeJS.ProcessEnv, prepare?: (dir: string) => void) {
  const { dir, cleanup } = tempDir('rvm-capabilities-');
  prepare?.(dir);
  const targets: ModelTarget[] = [];
  const module = new PlatformModule({
    config: loadConfig(dir, { RVM_MACHINE__NAME: 'RVM-CAP-01', RVM_PLATFORM__BASE_URL: double.url, ...env }).config,
    dataDir: dir,
    appVersion: '0.1.0',
    outbox: undefined,
    sessions: undefined,
    hub: new EventHub(logger),
    clock: systemClock,
    logger,
    binLevelPercent: () => 0,
    onModelTarget: (target) => targets.push(target),
  });
  cleanups.push(() => {
    module.stop();
    cleanup();
  });
  return { module, dir, targets };
}

describe('profile capabilities', () => {
  it('v1: the PIN check and the handshake’s model target; no timezone sync, no processing engine', async () => {
    double.aiModel = { target_version: '2', hash: 'ab'.repeat(32), update_source_url: '/models/2.onnx' };
    const credentials = { serial_number: double.o.serial, api_key: double.o.apiKey, name: 'Capability RVM' };
    const { module, dir, targets } = link({ RVM_PLATFORM__PROFILE: 'v1', ...ENGINE }, (d) =>
      writeFileSync(join(d, 'rvm-credentials.json'), JSON.stringify(credentials)),
    );
    module.start();
    await waitFor('the model target', () => targets.length === 1);
    expect(targets).toEqual([{ version: '2', sha256: 'ab'.repeat(32), url: `${double.url}/models/2.onnx` }]);
    const profile = module.profile!;
    expect(profile.credentialsFile).toBe(join(dir, 'rvm-credentials.json'));
    expect([profile.syncTimezone, profile.registerEngine, profile.machineStatus]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    // Handed on as it is (kiosk-core gives it to maintenance): a bound function.
    const checkPin = profile.checkPin!;
    expect(await checkPin('246810')).toMatchObject({ ok: true, technician: 'Agus (technician)' });
    await expect(module.handlers.syncTimezone(undefined, technician)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('platform.profile = v2'),
    });
    // The engine registration would have gone out right after the handshake, before the PIN check.
    expect(double.log.filter((r) => r.path.startsWith('/api/v2/'))).toEqual([]);
    expect(existsSync(join(dir, 'platform-state.json'))).toBe(false);
  });

  it('v2: the timezone synced at connect and on demand, the engine registered; no PIN check, no model target', async () => {
    double.aiModel = { target_version: '2', hash: 'ab'.repeat(32), update_source_url: '/models/2.onnx' };
    const { module, dir, targets } = link({
      RVM_PLATFORM__PROFILE: 'v2',
      RVM_PLATFORM__V2__RVM_ID: String(double.o.rvmId),
      RVM_PLATFORM__V2__EMAIL: double.o.email,
      RVM_PLATFORM__V2__PASSWORD: double.o.password,
      ...ENGINE,
    });
    module.start();
    await waitFor('the engine registration', () => existsSync(join(dir, 'platform-state.json')));
    expect([...double.engines.values()]).toEqual([
      expect.objectContaining({ body: expect.objectContaining({ server_address: '10.1.2.3' }) }),
    ]);
    expect(double.timezoneSyncs.map((s) => s.sync_method)).toEqual(['automatic']);
    expect(await module.handlers.syncTimezone(undefined, technician)).toEqual({
      timezone: 'Asia/Jakarta',
      syncedAt: expect.any(Number),
    });
    expect(double.timezoneSyncs.map((s) => s.sync_method)).toEqual(['automatic', 'manual']);
    const profile = module.profile!;
    expect([profile.checkPin, profile.modelTarget, profile.credentialsFile]).toEqual([undefined, undefined, undefined]);
    expect(await profile.machineStatus?.()).toEqual({ name: 'Double RVM', status: 'active' });
    expect(targets).toEqual([]);
  });
});
