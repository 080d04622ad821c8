// The serial and USB transports for real: a virtual printer behind a socat pseudo-terminal pair. The
// service opens the host end as a serial port (kind serial) or as a non-blocking device file, the way
// it opens /dev/usb/lp0 (kind usb).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock';
import { startPtyPrinter, type PtyPrinter, type VirtualPrinterState } from '../../test/support/virtual-printer';
import { PrinterConfigSchema } from '../config/printer.schema';
import { createLogger } from '../log/logger';
import { describePrinter, openPrinterPort } from './printer-port';
import { encodeReceipt, encodeTestPage, type ReceiptInput } from './receipt-layout';
import { PrinterService } from './printer.service';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });

const RECEIPT: ReceiptInput = {
  machineName: 'RVM Pasar Baru',
  machineId: 'RVM-0007',
  sessionId: 'a1b2c3d4e5f6',
  at: Date.UTC(2026, 10, 22, 3, 5),
  timeZone: 'Asia/Jakarta',
  locale: 'id',
  identity: 'voucher',
  memberName: null,
  lines: [{ material: 'Kaleng', count: 2, points: 20 }],
  totalPoints: 20,
  money: { amount: 200, currency: 'IDR' },
  voucher: { qr: 'RVM2.RVM-0007.4006381333931.20.200IDR.a.b.sig', barcode: '4006381333931', expiresAt: 0 },
  footer: ['Terima kasih!'],
  reprint: false,
};

let dir: string;
let pty: PtyPrinter | undefined;
let service: PrinterService | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rvm-printer-'));
});

afterEach(async () => {
  await service?.stop();
  await pty?.close();
  service = undefined;
  pty = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function setUp(kind: 'serial' | 'usb', state: Partial<VirtualPrinterState> = {}) {
  pty = await startPtyPrinter(dir, state);
  const config = PrinterConfigSchema.parse({ kind, device: pty.path, widthMm: 58, statusTimeoutMs: 300 });
  service = new PrinterService({ config, logger, clock: new FakeClock() });
  return { pty, service, config };
}

describe.each(['serial', 'usb'] as const)('printing through a pseudo-terminal as kind %s', (kind) => {
  it('prints a voucher receipt that reads back as sent', async () => {
    const { pty, service } = await setUp(kind);
    const bytes = encodeReceipt(RECEIPT, { widthMm: 58 });
    expect(await service.print(bytes, 'voucher 4006381333931')).toEqual({ ok: true });
    await pty.printer.waitForCut();
    expect(pty.printer.printed).toEqual(bytes);
    const paper = pty.printer.decode();
    expect(paper.qrcodes).toEqual([RECEIPT.voucher?.qr]);
    expect(paper.barcodes).toEqual([{ type: 'code128', data: '4006381333931' }]);
    expect(paper.lines.map((l) => l.trim())).toContain('Terima kasih!');
    expect(service.state()).toMatchObject({ kind, connected: true, fault: null });
  });

  it('prints a test page large enough to fill the line buffers', async () => {
    const { pty, service, config } = await setUp(kind);
    const page = encodeTestPage({
      machineName: 'RVM Pasar Baru',
      machineId: 'RVM-0007',
      at: 0,
      timeZone: 'UTC',
      locale: 'en',
      widthMm: 58,
      config: describePrinter(config),
    });
    const pages = Uint8Array.from([...page, ...page, ...page, ...page, ...page, ...page, ...page, ...page]);
    expect(await service.print(pages, 'test pages')).toEqual({ ok: true });
    await pty.printer.waitForCut(8);
    expect(pty.printer.printed).toEqual(pages);
  });

  it('refuses to print with the paper out, and reports a printer that does not answer', async () => {
    const { pty, service } = await setUp(kind, { paper: 'out' });
    expect(await service.print(Uint8Array.of(0x41, 0x0a), 'a line')).toMatchObject({ ok: false, fault: 'paper_out' });
    pty.printer.state.silent = true;
    expect(await service.refresh()).toMatchObject({ fault: 'no_answer', connected: true });
    expect(pty.printer.printed).toHaveLength(0);
  });
});

describe('a printer device that is not there', () => {
  it('is offline, and the detail names the device and what to check', async () => {
    const device = join(dir, 'lp9');
    const config = PrinterConfigSchema.parse({ kind: 'usb', device, statusTimeoutMs: 300 });
    service = new PrinterService({ config, logger, clock: new FakeClock() });
    const result = await service.print(Uint8Array.of(0x41), 'receipt');
    expect(result).toMatchObject({ ok: false, fault: 'offline' });
    expect(result.ok ? '' : result.detail).toBe(
      `the printer ${device} is not there (ENOENT): check the USB cable and that the printer is on, and printer.device`,
    );
  });

  it('as a serial port, too', async () => {
    const device = join(dir, 'ttyUSB9');
    const port = openPrinterPort(PrinterConfigSchema.parse({ kind: 'serial', device }));
    await expect(port.write(Uint8Array.of(0x41))).rejects.toThrow(
      new RegExp(`cannot open the printer port ${device} .*check the cable`),
    );
    await port.close();
  });
});
