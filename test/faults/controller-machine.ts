import { join } from 'node:path';
import { expect } from 'vitest';
import type { ItemResult } from '../../src-preload/contract';
import type { faultWatch } from '../support/fault-table';
import { makeTestCore, tempDir } from '../support/test-core';
import { petVerdict } from '../support/verdicts';

/**
 * A whole kiosk whose controller is a simulator behind a socat PTY (`startPty(path)`), opened with
 * hardware.driver `driver`; resolves once it is in service. With it: insert items, count the credits
 * the customer was told of that the store does not hold, and check that the machine heals by itself.
 */
export async function machineWithController<P extends { stop(): unknown }>(
  cleanups: Array<() => unknown>,
  driver: 'serial' | 'esp32',
  startPty: (path: string) => Promise<P>,
) {
  const t = tempDir(`rvm-${driver}-`);
  cleanups.push(t.cleanup);
  const path = join(t.dir, 'tty');
  const pty = await startPty(path);
  cleanups.push(() => pty.stop());
  const env = makeTestCore(
    { RVM_HARDWARE__DRIVER: driver, RVM_HARDWARE__SERIAL_PATH: path },
    { dir: join(t.dir, 'data') },
  );
  cleanups.push(() => env.core.stop());
  env.core.start();
  const service = env.core.deposit.service!;
  await expect.poll(() => service.snapshot().state, { timeout: 15_000 }).toBe('idle');
  const acknowledged: ItemResult[] = [];
  const insert = async () => {
    const result = await service.acceptVerdict(petVerdict);
    service.chamberCleared();
    acknowledged.push(result);
    return result;
  };
  /** Points the customer was told of that the store does not hold. */
  const creditsLost = () => {
    const told = acknowledged.reduce((sum, r) => sum + r.points, 0);
    const sessionIds = [...new Set(acknowledged.map((r) => r.sessionId))];
    const stored = sessionIds.reduce((sum, id) => sum + (env.core.store.repos!.sessions.get(id)?.totalPoints ?? 0), 0);
    return Math.max(0, told - stored);
  };
  const open = () => {
    service.start();
    service.identify({ kind: 'guest' });
  };
  const outOfService = () =>
    service
      .snapshot()
      .outOfService.map((r) => r.detail)
      .join();
  /** The cause is gone now: back in service by itself, items credited again, nothing lost. */
  const healsAndTakesItems = async (watch: ReturnType<typeof faultWatch>) => {
    watch.clear();
    if (service.snapshot().state === 'receipt') service.done();
    await expect.poll(() => service.snapshot(), { timeout: 30_000 }).toMatchObject({ state: 'idle', outOfService: [] });
    watch.healed();
    open();
    expect(await insert()).toMatchObject({ accepted: true, points: 10 });
    expect(creditsLost()).toBe(0);
    watch.done(creditsLost());
  };
  return { pty, service, env, insert, open, outOfService, creditsLost, healsAndTakesItems };
}
