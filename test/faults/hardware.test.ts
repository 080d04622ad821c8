// The machine's controller for real: the reference simulator behind a socat pseudo-terminal, opened by
// the kiosk exactly as it opens /dev/ttyUSB0 (hardware.driver "serial"). It refuses, hangs, vanishes
// and comes back (booting like an Arduino that resets on open). Each time: no acknowledged credit is
// lost, a refused item earns nothing, the customer sees a plain reason, and the machine returns to
// service by itself — no restart.
import { afterEach, describe, expect, it } from 'vitest';
import { startPtyController } from '../../src-main/hardware/controller-simulator';
import { faultWatch } from '../support/fault-table';
import { machineWithController } from './controller-machine';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A kiosk whose controller is the reference simulator on a PTY; resolves once it is in service. */
async function machineWithSimulator(bootMs = 0) {
  const m = await machineWithController(cleanups, 'serial', (path) => startPtyController(path, bootMs));
  return { ...m, sim: m.pty.simulator };
}

describe('the hardware controller on a real PTY (reference simulator)', () => {
  it('refuses an item (door jammed): no credit for it, a plain reason, back in service when it reports healthy', async ({
    task,
  }) => {
    const m = await machineWithSimulator();
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
    const m = await machineWithSimulator();
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
    const m = await machineWithSimulator();
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
