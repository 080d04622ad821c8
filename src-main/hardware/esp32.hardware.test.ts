import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock';
import type { Logger } from '../log/logger';
import { ESP32_BAUD_RATE } from './esp32-dialect';
import { Esp32Hardware, type Esp32HardwareOptions } from './esp32.hardware';
import { startPtyEsp32 } from './esp32-simulator';
import type { HardwareHealth } from './hardware';
import { createHardware } from './hardware.module';
import { serialPortOpener } from './serial.hardware';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A logger that keeps its lines, so a test can wait until the driver has read something. */
function recordingLogger(lines: string[]): Logger {
  const logger: Logger = {
    error: (m) => lines.push(`error ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    info: (m) => lines.push(`info ${m}`),
    debug: (m) => lines.push(`debug ${m}`),
    scope: () => logger,
  };
  return logger;
}

const WAIT = { timeout: 10_000 } as const;

/** The simulated rvm_app_esp32 board behind a socat PTY, and the driver on it; resolves once it is ready. */
async function rig(options: Esp32HardwareOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rvm-esp32-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'ttyESP32');
  const pty = await startPtyEsp32(path);
  cleanups.push(() => pty.stop());
  const clock = new FakeClock();
  const logged: string[] = [];
  const hw = new Esp32Hardware(serialPortOpener(path, ESP32_BAUD_RATE), recordingLogger(logged), {
    clock,
    present: () => existsSync(path),
    reopenMs: [100, 100],
    ...options,
  });
  cleanups.push(() => hw.close());
  const healths: HardwareHealth[] = [];
  hw.onHealth((h) => healths.push(h));
  await expect.poll(() => hw.health(), WAIT).toEqual({ ok: true });
  /** Resolves once the driver has read everything the board wrote before this call. */
  const drained = async (marker: string) => {
    pty.simulator.write(`I (1) marker: ${marker}\r\n`);
    await expect.poll(() => logged.some((line) => line.includes(marker)), WAIT).toBe(true);
  };
  return { pty, sim: pty.simulator, hw, clock, logged, healths, drained };
}

describe('Esp32Hardware (rvm_app_esp32 ASCII command/ACK lines on a PTY)', () => {
  it('greets with PING_RPI; accept and return succeed on their exact ACKs, the boot banner and logs ignored', async () => {
    const { sim, hw, logged } = await rig();
    await hw.acceptItem();
    await hw.returnItem();
    expect(sim.received).toEqual(['PING_RPI', 'SORT_VALID_ITEM', 'RETURN_REJECTED_ITEM']);
    expect(sim.overlapped).toBe(0);
    expect(hw.health()).toEqual({ ok: true });
    expect(logged).toContainEqual(expect.stringMatching(/^debug .*ESP32_RVM_ACTUATOR: TX to RPi: \[ACK_SORTED\]$/));
    expect(logged).toContainEqual(expect.stringContaining('ESP32 controller connected'));
  });

  it('log lines, a late ACK and a near-miss between the command and its ACK are ignored', async () => {
    const { sim, hw, logged, drained } = await rig();
    sim.hold = true;
    let settled = false;
    const accepted = hw.acceptItem().finally(() => (settled = true));
    await expect.poll(() => sim.received, WAIT).toContain('SORT_VALID_ITEM');
    sim.write('I (9000) ESP32_RVM_ACTUATOR: TX to RPi: [ACK_SORTED]\r\n');
    sim.write('ACK_ITEM_RETURNED\n');
    sim.write('ACK_SOR');
    sim.write('TED_TWICE\r\n');
    sim.write('W (9001) uart: rx buffer overflow\r\n');
    await drained('noise-read');
    expect(settled).toBe(false);
    sim.release();
    await accepted;
    expect(logged).toContainEqual(expect.stringContaining('warn ignored ACK_ITEM_RETURNED'));
    expect(hw.health()).toEqual({ ok: true });
  });

  it('UNKNOWN_CMD_ESP fails the command naming it; health goes bad and heals on the next success', async () => {
    const { sim, hw, healths } = await rig();
    sim.missing.add('SORT_VALID_ITEM');
    await expect(hw.acceptItem()).rejects.toThrow(
      'ESP32 controller does not know "SORT_VALID_ITEM": it answered UNKNOWN_CMD_ESP',
    );
    expect(hw.health()).toMatchObject({
      ok: false,
      reason: expect.stringContaining('hardware fault: ESP32 controller does not know "SORT_VALID_ITEM"'),
    });
    sim.missing.clear();
    await hw.acceptItem();
    expect(hw.health()).toEqual({ ok: true });
    expect(healths.map((h) => h.ok)).toEqual([true, false, true]);
  });

  it('no answer: the command times out, the machine is out of service, and a PING_RPI probe heals it', async () => {
    const { sim, hw, clock } = await rig();
    sim.silent = true;
    const failed = expect(hw.acceptItem()).rejects.toThrow(
      'ESP32 controller did not answer "SORT_VALID_ITEM" with ACK_SORTED within 6000 ms',
    );
    await expect.poll(() => sim.received, WAIT).toContain('SORT_VALID_ITEM');
    clock.advance(6_000);
    await failed;
    expect(hw.health()).toMatchObject({
      ok: false,
      reason: expect.stringContaining('did not answer "SORT_VALID_ITEM"'),
    });
    const stillSilent = expect(hw.returnItem()).rejects.toThrow(/did not answer "RETURN_REJECTED_ITEM"/);
    await expect.poll(() => sim.received, WAIT).toContain('RETURN_REJECTED_ITEM');
    clock.advance(6_000);
    await stillSilent;
    expect(hw.health().ok).toBe(false);
    sim.silent = false;
    clock.advance(1_000); // the probe after a fault
    await expect.poll(() => hw.health(), WAIT).toEqual({ ok: true });
    expect(sim.received.at(-1)).toBe('PING_RPI');
    await hw.acceptItem();
  });

  it('commands are serialised: the second is sent only after the first one’s ACK', async () => {
    const { sim, hw, drained } = await rig();
    sim.hold = true;
    const first = hw.acceptItem();
    const second = hw.returnItem();
    await expect.poll(() => sim.received, WAIT).toEqual(['PING_RPI', 'SORT_VALID_ITEM']);
    await drained('while-held');
    expect(sim.waiting).toBe('');
    sim.release();
    await Promise.all([first, second]);
    expect(sim.received).toEqual(['PING_RPI', 'SORT_VALID_ITEM', 'RETURN_REJECTED_ITEM']);
    expect(sim.overlapped).toBe(0);
  });

  it('unplugged: out of service and commands refused; plugged back: reconnects by itself', async () => {
    const { pty, hw, clock } = await rig();
    await pty.unplug();
    clock.advance(500); // the presence check
    await expect
      .poll(() => hw.health(), WAIT)
      .toMatchObject({ ok: false, reason: expect.stringContaining('not connected') });
    await expect(hw.acceptItem()).rejects.toThrow(/hardware controller not connected/);
    await pty.plug();
    await expect
      .poll(() => {
        clock.advance(100); // the reopen back-off
        return hw.health();
      }, WAIT)
      .toEqual({ ok: true });
    await hw.acceptItem();
  });

  it('maintenance tests run the firmware’s own pairs; it has no bin level or scale to report', async () => {
    const { sim, hw } = await rig();
    await expect(hw.test('door')).resolves.toBe(
      'ESP32 controller ok: SLOT_OPEN → ACK_SLOT_OPEN, SLOT_CLOSE → ACK_SLOT_CLOSED',
    );
    await expect(hw.test('led')).resolves.toContain('INTERNAL_LIGHT_ON → ACK_LIGHT_ON');
    await expect(hw.test('sensors')).resolves.toContain('no bin-level or weight sensor');
    await hw.resetBin();
    expect(hw.binLevelPercent()).toBe(0);
    expect(hw.weightG()).toBeNull();
    expect(sim.received.slice(1)).toEqual([
      'SLOT_OPEN',
      'SLOT_CLOSE',
      'INTERNAL_LIGHT_ON',
      'INTERNAL_LIGHT_OFF',
      'PING_RPI',
    ]);
  });

  it('hardware.driver "esp32" builds this driver; a port that cannot open is named in the reason', async () => {
    const logged: string[] = [];
    const hw = createHardware(
      { driver: 'esp32', serialPath: '/dev/ttyRVM-esp32-missing', baudRate: 115200, binFullPercent: 95 },
      recordingLogger(logged),
    );
    cleanups.push(() => hw.close());
    expect(hw).toBeInstanceOf(Esp32Hardware);
    await expect
      .poll(() => hw.health(), WAIT)
      .toMatchObject({ reason: expect.stringContaining('check hardware.serialPath') });
    await expect(hw.acceptItem()).rejects.toThrow(/not connected \(cannot open \/dev\/ttyRVM-esp32-missing/);
  });
});
