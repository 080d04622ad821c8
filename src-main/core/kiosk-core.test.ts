import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { loadConfig } from '../config/config.loader';
import { createLogger } from '../log/logger';
import { KioskCore } from './kiosk-core';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
const ctx = { transport: 'ws', client: 'test' } as const;

describe('KioskCore with a broken database', () => {
  it('stays up, answers the contract, and reports out of service with the reason', async () => {
    const t = tempDir('rvm-core-');
    dirs.push(t);
    mkdirSync(t.dir, { recursive: true });
    writeFileSync(join(t.dir, 'rvm.db'), 'garbage, not a database '.repeat(200));
    const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
    const core = new KioskCore({
      dataDir: t.dir,
      loaded: loadConfig(t.dir, {}),
      logger,
      runtime: { runtime: 'headless', electronVersion: null },
    });
    core.start();
    expect(await core.router.dispatch('app.info', undefined, ctx)).toMatchObject({ ok: true });
    const health = await core.router.dispatch('app.health', undefined, ctx);
    expect(health).toMatchObject({ ok: true, value: { status: 'out_of_service' } });
    expect(JSON.stringify(health)).toMatch(/deposit.*store: .*rvm\.db.*restore a backup/);
    expect(await core.router.dispatch('deposit.start', undefined, ctx)).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_SERVICE', message: expect.stringMatching(/local store is unavailable/) },
    });
    core.stop();
  });
});
