// The ecosystem's ESP32 firmware (rvm_app_esp32) for real: its simulator behind a socat pseudo-terminal,
// opened by the whole kiosk with hardware.driver "esp32". It does not know a command, hangs, vanishes and
// comes back. Each time: no acknowledged credit is lost, the item that was not taken earns nothing, the
// reason names what failed, and the machine returns to service by itself — no restart.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ItemResult } from '../../src-preload/contract';
import { startPtyEsp32 } from '../../src-main/hardware/esp32-simulator';
import { faultWatch } from '../support/fault-table';
import { makeTestCore, tempDir } from '../support/test-core';
import { petVerdict } from '../support/verdicts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A kiosk whose controller is the ESP32 simulator on a PTY; resolves once it is in service. */
async function machineWithEsp32() {
  const t = tempDir('rvm-esp32-');
  cleanups.push(t.cleanup);
  const path = join(t.dir, 'ttyESP32');
  const pty = await startPtyEsp32(path);
  cleanups.push(() => pty.stop());
  const env = makeTestCore(
    { RVM_HARDWARE__DRIVER: 'esp32', RVM_HARDWARE__SERIAL_PATH: path },
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
  /** The cause is gone: back in service by itself, an item is sorted again, nothing lost. */
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
  return { pty, sim: pty.simulator, service, insert, open, outOfService, healsAndTakesItems };
}

describe('the rvm_app_esp32 controller on a real PTY (hardware.driver "esp32")', () => {
  it('answers UNKNOWN_CMD_ESP to SORT_VALID_ITEM: no credit, the reason names it, back in service once it sorts', async ({
    task,
  }) => {
    const m = await machineWithEsp32();
    const watch = faultWatch(task, 'ESP32 does not know SORT_VALID_ITEM');
    m.open();
    expect(await m.insert()).toMatchObject({ accepted: true, points: 10 });
    m.sim.missing.add('SORT_VALID_ITEM');
    watch.inject();
    expect(await m.insert()).toMatchObject({ accepted: false, points: 0, reason: 'not_taken' });
    await expect.poll(m.outOfService).toMatch(/does not know "SORT_VALID_ITEM": it answered UNKNOWN_CMD_ESP/);
    watch.detected();
    expect(m.service.snapshot()).toMatchObject({ state: 'receipt', totalPoints: 10 });
    m.sim.missing.clear();
    await m.healsAndTakesItems(watch);
    expect(m.sim.overlapped).toBe(0);
  });

  it('hangs (answers nothing): the item is not credited; once it answers PING_RPI again, service returns', async ({
    task,
  }) => {
    const m = await machineWithEsp32();
    const watch = faultWatch(task, 'ESP32 hangs');
    m.open();
    expect(await m.insert()).toMatchObject({ points: 10 });
    m.sim.silent = true;
    watch.inject();
    expect(await m.insert()).toMatchObject({ accepted: false, points: 0, reason: 'not_taken' });
    await expect.poll(m.outOfService).toMatch(/did not answer "SORT_VALID_ITEM" with ACK_SORTED/);
    watch.detected();
    m.sim.silent = false;
    await m.healsAndTakesItems(watch);
  });

  it('is unplugged mid-session and plugged back in (it boots, banner and all): credit kept, service returns', async ({
    task,
  }) => {
    const m = await machineWithEsp32();
    const watch = faultWatch(task, 'ESP32 unplugged, replugged');
    m.open();
    expect(await m.insert()).toMatchObject({ points: 10 });
    watch.inject();
    await m.pty.unplug();
    await expect.poll(m.outOfService, { timeout: 15_000 }).toMatch(/hardware controller not connected/);
    watch.detected();
    expect(m.service.snapshot()).toMatchObject({ state: 'receipt', totalPoints: 10 });
    m.service.done();
    await m.pty.plug();
    await m.healsAndTakesItems(watch);
  });
});
