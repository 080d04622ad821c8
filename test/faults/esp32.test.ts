// The ecosystem's ESP32 firmware (rvm_app_esp32) for real: its simulator behind a socat pseudo-terminal,
// opened by the whole kiosk with hardware.driver "esp32". It does not know a command, hangs, vanishes and
// comes back. Each time: no acknowledged credit is lost, the item that was not taken earns nothing, the
// reason names what failed, and the machine returns to service by itself — no restart.
import { afterEach, describe, expect, it } from 'vitest';
import { startPtyEsp32 } from '../../src-main/hardware/esp32-simulator';
import { faultWatch } from '../support/fault-table';
import { machineWithController } from './controller-machine';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A kiosk whose controller is the ESP32 simulator on a PTY; resolves once it is in service. */
async function machineWithEsp32() {
  const m = await machineWithController(cleanups, 'esp32', (path) => startPtyEsp32(path));
  return { ...m, sim: m.pty.simulator };
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
