import { createInterface } from 'node:readline';
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger';
import { openSerialHardware, SerialHardware } from './serial.hardware';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });

/**
 * A scripted microcontroller on the other end of an in-memory serial line (no device exists
 * here). `answer` decides the reply to each command.
 */
function controller(answer: (cmd: { id: number; cmd: string }) => object | null) {
  // Two ends of one line: what one end writes, the other reads.
  const ends: Duplex[] = [];
  const end = (other: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk, _encoding, done) {
        other().push(chunk);
        done();
      },
    });
  ends.push(
    end(() => ends[1]!),
    end(() => ends[0]!),
  );
  const [line, device] = ends as [Duplex, Duplex];
  const received: string[] = [];
  createInterface({ input: device }).on('line', (text) => {
    const cmd = JSON.parse(text) as { id: number; cmd: string };
    received.push(cmd.cmd);
    const reply = answer(cmd);
    if (reply) device.write(`${JSON.stringify(reply)}\n`);
  });
  return {
    line,
    received,
    push: (obj: object | string) => device.write(`${typeof obj === 'string' ? obj : JSON.stringify(obj)}\n`),
  };
}

describe('SerialHardware (newline-delimited JSON)', () => {
  it('sends commands and resolves on the controller reply', async () => {
    const c = controller((cmd) => ({ id: cmd.id, ok: true }));
    const hw = new SerialHardware(c.line, logger);
    await hw.acceptItem();
    await hw.returnItem();
    expect(c.received).toEqual(['accept', 'return']);
    hw.close();
  });

  it('rejects with the controller reason, and on silence after the timeout', async () => {
    const refusing = new SerialHardware(
      controller((cmd) => ({ id: cmd.id, ok: false, error: 'door jammed' })).line,
      logger,
    );
    await expect(refusing.acceptItem()).rejects.toThrow('controller refused: door jammed');
    const silent = new SerialHardware(controller(() => null).line, logger, 50);
    await expect(silent.acceptItem()).rejects.toThrow(/did not answer "accept" within 50 ms/);
    refusing.close();
    silent.close();
  });

  it('tracks bin level and weight from status lines, ignoring garbage', async () => {
    const c = controller(() => null);
    const hw = new SerialHardware(c.line, logger);
    c.push('not json at all');
    c.push({ event: 'status', binPercent: 250 });
    c.push({ event: 'status', binPercent: 96.5, weightG: 23.4, door: 'closed' });
    await expect.poll(() => hw.binLevelPercent()).toBe(96.5);
    expect(hw.weightG()).toBe(23.4);
    hw.close();
  });

  it('fails commands in flight when the line closes', async () => {
    const c = controller(() => null);
    const hw = new SerialHardware(c.line, logger);
    const pending = hw.acceptItem();
    c.line.destroy();
    await expect(pending).rejects.toThrow(/closed/);
  });

  it('names the path when the serial device cannot be opened', async () => {
    await expect(openSerialHardware('/dev/ttyRVM-missing', 115200, logger)).rejects.toThrow(
      /cannot open the hardware controller at \/dev\/ttyRVM-missing/,
    );
  });
});
