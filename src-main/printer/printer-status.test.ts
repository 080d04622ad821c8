import { describe, expect, it } from 'vitest';
import type { PrinterPort } from './printer-port';
import { decodeStatus, isStatusByte, readPrinterStatus } from './printer-status';

/** A port that answers each DLE EOT n from a table (undefined: silence). */
function answering(answers: Partial<Record<number, number>>): PrinterPort & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    write: async () => undefined,
    request: async (bytes) => {
      asked.push(bytes[2]!);
      return answers[bytes[2]!] ?? null;
    },
    close: async () => undefined,
  };
}

describe('ESC/POS real-time status', () => {
  it('reads an idle printer with paper as online and ready', () => {
    expect(decodeStatus(0x12, 0x12, 0x12)).toEqual({ online: true, paper: 'ok', coverOpen: false, error: false });
  });

  it('reads the bits of DLE EOT 1, 2 and 4', () => {
    expect(decodeStatus(0x1a, 0x12, 0x12).online).toBe(false);
    expect(decodeStatus(0x1a, 0x16, 0x12).coverOpen).toBe(true);
    expect(decodeStatus(0x1a, 0x52, 0x12).error).toBe(true);
    expect(decodeStatus(0x12, 0x12, 0x1e).paper).toBe('low');
    expect(decodeStatus(0x1a, 0x32, 0x7e).paper).toBe('out');
    // A printer stopped by the paper end reports it in DLE EOT 2 even when DLE EOT 4 says nothing.
    expect(decodeStatus(0x1a, 0x32, 0x12).paper).toBe('out');
  });

  it('knows a status byte by its fixed bits', () => {
    expect([0x12, 0x1a, 0x7e, 0x16].every(isStatusByte)).toBe(true);
    expect([0x00, 0xff, 0x13, 0x92, 0x02, 0x10].some(isStatusByte)).toBe(false);
  });

  it('asks DLE EOT 1, 2 and 4 in turn', async () => {
    const port = answering({ 1: 0x12, 2: 0x12, 4: 0x1e });
    expect(await readPrinterStatus(port, 100)).toEqual({
      ok: true,
      status: { online: true, paper: 'low', coverOpen: false, error: false },
    });
    expect(port.asked).toEqual([1, 2, 4]);
  });

  it('takes silence, or an answer that is not a status byte, as no answer', async () => {
    expect(await readPrinterStatus(answering({ 1: 0x12 }), 100)).toMatchObject({
      ok: false,
      fault: 'no_answer',
      detail: expect.stringContaining('offline cause'),
    });
    expect(await readPrinterStatus(answering({ 1: 0xff }), 100)).toMatchObject({
      ok: false,
      fault: 'no_answer',
      detail: expect.stringMatching(/0xff .*not an ESC\/POS status byte.*printer\.baudRate/),
    });
  });
});
