import { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger';
import { ControllerSimulator } from './controller-simulator';
import type { HardwareHealth } from './hardware';
import { SerialHardware, serialPortOpener, type SerialHardwareOptions } from './serial.hardware';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const open: SerialHardware[] = [];
afterEach(() => open.splice(0).forEach((hw) => hw.close()));

/** Two ends of one in-memory serial line: what one end writes, the other reads. */
function linePair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const end = (other: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk, _encoding, done) {
        other().push(chunk);
        done();
      },
      destroy(error, done) {
        other().push(null);
        other().destroy();
        done(error);
      },
    });
  ends.push(
    end(() => ends[1]!),
    end(() => ends[0]!),
  );
  return ends as [Duplex, Duplex];
}

/**
 * The reference simulator on the far end of an in-memory line; each (re)open of the kiosk's end is a
 * new line (a replugged cable), and the board boots for `bootMs` each time.
 */
function rig(options: SerialHardwareOptions = {}, bootMs = 0) {
  const sim = new ControllerSimulator();
  const lines: Duplex[] = [];
  const hw = new SerialHardware(
    async () => {
      const [kiosk, board] = linePair();
      sim.attach(board, bootMs);
      lines.push(kiosk);
      return kiosk;
    },
    logger,
    { reopenMs: [20, 50], pollMs: [60_000, 20], ...options },
  );
  open.push(hw);
  const healths: HardwareHealth[] = [];
  hw.onHealth((h) => healths.push(h));
  return { sim, hw, lines, healths };
}

describe('SerialHardware (protocol 1, newline-delimited JSON)', () => {
  it('says hello, queries status, then takes commands; reports the firmware', async () => {
    const { sim, hw } = rig();
    await expect.poll(() => hw.health()).toEqual({ ok: true });
    expect(hw.firmware()).toBe('rvm-reference-controller 1.0.0');
    await hw.acceptItem();
    await hw.returnItem();
    expect(sim.received).toEqual(['hello', 'status', 'accept', 'return']);
    expect(hw.binLevelPercent()).toBe(0.25);
  });

  it('refuses commands while not connected, naming why', async () => {
    const hw = new SerialHardware(serialPortOpener('/dev/ttyRVM-missing', 115200), logger, { reopenMs: [50, 50] });
    open.push(hw);
    await expect.poll(() => hw.health()).toMatchObject({ reason: expect.stringContaining('/dev/ttyRVM-missing') });
    expect(hw.health()).toMatchObject({ ok: false, reason: expect.stringContaining('check hardware.serialPath') });
    await expect(hw.acceptItem()).rejects.toThrow(/not connected \(cannot open \/dev\/ttyRVM-missing/);
  });

  it('a refusal is a fault with the controller’s words, cleared when status reports healthy again', async () => {
    const { sim, hw, healths } = rig();
    await expect.poll(() => hw.health().ok).toBe(true);
    sim.refuse = 'door_jammed';
    await expect(hw.acceptItem()).rejects.toThrow('controller refused "accept": door jammed');
    expect(hw.health()).toEqual({ ok: false, reason: 'hardware fault: door jammed' });
    sim.clear();
    await expect.poll(() => hw.health()).toEqual({ ok: true });
    expect(healths.map((h) => h.ok)).toEqual([true, false, true]);
    await hw.acceptItem();
  });

  it('a silent controller: the command times out, two silent status polls reopen the line', async () => {
    const { sim, hw, lines } = rig({ timeouts: { accept: 50, status: 50, hello: 50 } });
    await expect.poll(() => hw.health().ok).toBe(true);
    sim.silent = true;
    await expect(hw.acceptItem()).rejects.toThrow(/did not answer "accept" within 50 ms/);
    await expect.poll(() => lines.length).toBeGreaterThan(1);
    expect(hw.health()).toMatchObject({ ok: false });
    sim.silent = false;
    await expect.poll(() => hw.health()).toEqual({ ok: true });
  });

  it('waits out a board that resets when its port opens (hello repeated until it boots)', async () => {
    const { sim, hw } = rig({ timeouts: { hello: 40 } }, 200);
    await expect.poll(() => hw.health()).toEqual({ ok: true });
    // Hellos sent while it booted were never seen; the first one after boot was answered.
    expect(sim.received.slice(0, 2)).toEqual(['hello', 'status']);
    await hw.acceptItem();
  });

  it('a lost line fails the command in flight, reopens with back-off, and heals', async () => {
    const { sim, hw, lines } = rig();
    await expect.poll(() => hw.health().ok).toBe(true);
    sim.silent = true;
    const pending = hw.acceptItem();
    lines[0]!.destroy();
    await expect(pending).rejects.toThrow(/closed/);
    sim.silent = false;
    await expect.poll(() => lines.length).toBe(2);
    await expect.poll(() => hw.health()).toEqual({ ok: true });
    await hw.acceptItem();
  });

  it('refuses to run a controller that speaks another protocol version', async () => {
    const { sim, hw } = rig();
    sim.protocol = 2;
    await expect
      .poll(() => hw.health())
      .toMatchObject({ ok: false, reason: expect.stringContaining('update the controller firmware') });
  });

  it('a board that restarts under the kiosk is greeted again; garbage and bad values are ignored', async () => {
    const { sim, hw, lines } = rig();
    await expect.poll(() => hw.health().ok).toBe(true);
    const board = linePairPeer(lines[0]!);
    board('not json at all');
    board(JSON.stringify({ event: 'status', binPercent: 250 }));
    board(JSON.stringify({ event: 'status', binPercent: 96.5, weightG: 23.4, door: 'closed' }));
    await expect.poll(() => hw.binLevelPercent()).toBe(96.5);
    expect(hw.weightG()).toBe(23.4);
    board(JSON.stringify({ event: 'ready', protocol: 1 }));
    await expect.poll(() => sim.received.filter((c) => c === 'hello').length).toBe(2);
    await expect.poll(() => hw.health()).toEqual({ ok: true });
    expect(lines).toHaveLength(1);
  });
});

/** Writes a line as the board would, on the kiosk end's peer. */
function linePairPeer(kiosk: Duplex): (line: string) => void {
  return (line) => kiosk.push(`${line}\n`);
}
