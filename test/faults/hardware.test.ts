// The machine's controller for real: the reference simulator behind a socat pseudo-terminal, opened by
// the kiosk exactly as it opens /dev/ttyUSB0 (hardware.driver "serial"). It refuses, hangs, vanishes
// and comes back (booting like an Arduino that resets on open). Each time: no acknowledged credit is
// lost, a refused item earns nothing, the customer sees a plain reason, and the machine returns to
// service by itself — no restart.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ItemResult } from '../../src-preload/contract';
import { startPtyController, type PtyController } from '../../src-main/hardware/controller-simulator';
import { faultWatch } from '../support/fault-table';
import { makeTestCore, tempDir } from '../support/test-core';
import { petVerdict } from '../support/verdicts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A kiosk whose controller is the simulator on a PTY; resolves once it is in service. */
async function machineWithController(bootMs = 0) {
  const t = tempDir('rvm-hardware-');
  cleanups.push(t.cleanup);
  const path = join(t.dir, 'ttyRVM');
  const pty: PtyController = await startPtyController(path, bootMs);
  cleanups.push(() => pty.stop());
  const env = makeTestCore(
    { RVM_HARDWARE__DRIVER: 'serial', RVM_HARDWARE__SERIAL_PATH: path },
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
  return { pty, sim: pty.simulator, service, env, insert, open, creditsLost, healsAndTakesItems };
}

describe('the hardware controller on a real PTY (reference simulator)', () => {
  it('refuses an item (door jammed): no credit for it, a plain reason, back in service when it reports healthy', async ({
    task,
  }) => {
    const m = await machineWithController();
    const watch = faultWatch(task, 'controller refuses (door jammed)');
    m.open();
    expect(await m.insert()).toMatchObject({ accepted: true, points: 10 });
    m.sim.refuse = 'door_jammed';
    watch.inject();
    expect(await m.insert()).toMatchObject({ accepted: false, points: 0, reason: 'not_taken' });
    // A faulted controller is not asked to hand it back (it would refuse): the customer is told to take it.
    expect(m.sim.received).not.toContain('return');
    await expect
      .poll(() => m.service.snapshot().outOfService)
      .toContainEqual({ code: 'hardware', detail: 'hardware fault: door jammed' });
    watch.detected();
    // Technicians hear of it: a critical alert from the next sample.
    expect((await m.env.core.monitor.sampleNow()).hardwareFault).toBe(1);
    expect(m.env.core.monitor.alerts.active().map((a) => a.rule)).toContain('hardware_fault');
    // The session closed with the confirmed credit only; the customer sees the receipt, then the reason.
    expect(m.service.snapshot()).toMatchObject({ state: 'receipt', totalPoints: 10 });
    m.service.done();
    expect(m.service.snapshot().state).toBe('out_of_service');
    m.sim.clear();
    await m.healsAndTakesItems(watch);
  });

  it('hangs (answers nothing): the item is handed back uncredited, the line is reopened, service returns', async ({
    task,
  }) => {
    const m = await machineWithController();
    const watch = faultWatch(task, 'controller hangs');
    m.open();
    expect(await m.insert()).toMatchObject({ points: 10 });
    m.sim.silent = true;
    watch.inject();
    expect(await m.insert()).toMatchObject({ accepted: false, points: 0, reason: 'not_taken' });
    await expect
      .poll(() =>
        m.service
          .snapshot()
          .outOfService.map((r) => r.detail)
          .join(),
      )
      .toMatch(/hardware/);
    watch.detected();
    expect(m.env.core.store.repos!.sessions.get(m.service.snapshot().sessionId ?? '')?.totalPoints ?? 10).toBe(10);
    m.sim.silent = false;
    await m.healsAndTakesItems(watch);
  });

  it('is unplugged mid-session and plugged back in (a board that resets on open): credit kept, service returns', async ({
    task,
  }) => {
    const m = await machineWithController();
    const watch = faultWatch(task, 'controller unplugged, replugged');
    m.open();
    expect(await m.insert()).toMatchObject({ points: 10 });
    watch.inject();
    await m.pty.unplug();
    await expect
      .poll(
        () =>
          m.service
            .snapshot()
            .outOfService.map((r) => r.detail)
            .join(),
        { timeout: 15_000 },
      )
      .toMatch(/hardware controller not connected/);
    watch.detected();
    // The open session was closed with its credit; no new customer until the controller is back.
    expect(m.service.snapshot()).toMatchObject({ state: 'receipt', totalPoints: 10 });
    m.service.done();
    expect(() => m.service.start()).toThrow(/hardware controller not connected/);

    await m.pty.plug(1_500);
    await m.healsAndTakesItems(watch);
  });
});
