// The printer service against a virtual network printer (test/support/virtual-printer.ts) on a real
// TCP socket: status before and after each job, faults, and faults clearing themselves.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock';
import { startTcpPrinter, type TcpPrinter, type VirtualPrinterState } from '../../test/support/virtual-printer';
import { PrinterConfigSchema } from '../config/printer.schema';
import { createLogger } from '../log/logger';
import { encodeTestPage } from './receipt-layout';
import { PrinterService, type PrinterState } from './printer.service';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });

// A test page: text, a QR code, a barcode and a cut, like a voucher receipt.
const BYTES = encodeTestPage({
  machineName: 'RVM Taman Sari',
  machineId: 'RVM-0042',
  at: Date.UTC(2026, 10, 22, 3, 5),
  timeZone: 'Asia/Jakarta',
  locale: 'en',
  widthMm: 80,
  config: 'tcp printer 127.0.0.1, 80 mm',
});

let tcp: TcpPrinter | undefined;
let service: PrinterService | undefined;
let clock: FakeClock;

afterEach(async () => {
  await service?.stop();
  await tcp?.close();
  service = undefined;
  tcp = undefined;
});

async function setUp(state: Partial<VirtualPrinterState> = {}): Promise<{ tcp: TcpPrinter; service: PrinterService }> {
  tcp = await startTcpPrinter(state);
  clock = new FakeClock();
  const config = PrinterConfigSchema.parse({ kind: 'tcp', host: '127.0.0.1', port: tcp.port, statusTimeoutMs: 300 });
  service = new PrinterService({ config, logger, clock });
  return { tcp, service };
}

/** The next state change that satisfies `check`. */
function nextChange(s: PrinterService, check: (state: PrinterState) => boolean): Promise<PrinterState> {
  return new Promise((resolve) => {
    const off = s.onChange((state) => {
      if (!check(state)) return;
      off();
      resolve(state);
    });
  });
}

describe('printer service over TCP', () => {
  it('prints a receipt: status before and after, every byte arrives, the paper is cut', async () => {
    const { tcp, service } = await setUp();
    expect(await service.print(BYTES, 'receipt 0f3a9c2e')).toEqual({ ok: true });
    await tcp.printer.waitForCut();
    expect(tcp.printer.printed).toEqual(BYTES);
    expect(tcp.printer.statusRequests).toEqual([1, 2, 4, 1, 2, 4]);
    expect(service.state()).toMatchObject({
      configured: true,
      kind: 'tcp',
      connected: true,
      fault: null,
      paperLow: false,
      status: { online: true, paper: 'ok', coverOpen: false, error: false },
      lastPrintAt: clock.now(),
    });
  });

  it('refuses to print when the paper is out: nothing is written', async () => {
    const { tcp, service } = await setUp({ paper: 'out' });
    const result = await service.print(BYTES, 'receipt');
    expect(result).toMatchObject({ ok: false, fault: 'paper_out', detail: expect.stringContaining('new roll') });
    expect(tcp.printer.printed).toHaveLength(0);
    expect(service.state()).toMatchObject({ fault: 'paper_out', paperLow: true, lastPrintAt: null });
  });

  it('reports paper that ran out mid-print, and the poll clears it once a roll is put in', async () => {
    const { tcp, service } = await setUp({ paperOutAfterBytes: 100 });
    service.start();
    await service.refresh();
    const result = await service.print(BYTES, 'voucher 1234567890128');
    expect(result).toMatchObject({ ok: false, fault: 'paper_out' });
    expect(result.ok ? '' : result.detail).toContain('voucher 1234567890128 may not have printed in full');
    expect(service.state()).toMatchObject({ fault: 'paper_out', lastPrintAt: null });

    tcp.printer.state.paper = 'ok';
    const cleared = nextChange(service, (state) => state.fault === null);
    clock.advance(5_000);
    expect(await cleared).toMatchObject({ fault: null, paperLow: false, connected: true });
    expect(await service.print(BYTES, 'reprint')).toEqual({ ok: true });
  });

  it('prints on a roll that is running low, and says so', async () => {
    const { service } = await setUp({ paper: 'low' });
    const low = nextChange(service, (state) => state.paperLow);
    expect(await service.print(BYTES, 'receipt')).toEqual({ ok: true });
    expect(await low).toMatchObject({ paperLow: true, fault: null, status: { paper: 'low' } });
  });

  it('refuses to print with the cover open, and prints once it is closed', async () => {
    const { tcp, service } = await setUp({ coverOpen: true });
    expect(await service.print(BYTES, 'receipt')).toMatchObject({ ok: false, fault: 'cover_open' });
    expect(tcp.printer.printed).toHaveLength(0);
    tcp.printer.state.coverOpen = false;
    expect(await service.refresh()).toMatchObject({ fault: null });
    expect(await service.print(BYTES, 'receipt')).toEqual({ ok: true });
  });

  it('reports an error the printer reports', async () => {
    const { service } = await setUp({ error: true });
    expect(await service.print(BYTES, 'receipt')).toMatchObject({ ok: false, fault: 'error' });
  });

  it('reports a printer that answers no status request as no_answer', async () => {
    const { tcp, service } = await setUp({ silent: true });
    const result = await service.print(BYTES, 'receipt');
    expect(result).toMatchObject({ ok: false, fault: 'no_answer', detail: expect.stringContaining('did not answer') });
    expect(tcp.printer.printed).toHaveLength(0);
    expect(service.state()).toMatchObject({ fault: 'no_answer', connected: true, status: null });
  });

  it('reports an unreachable printer as offline, and prints again once it is back', async () => {
    const { tcp, service } = await setUp();
    expect(await service.print(BYTES, 'receipt')).toEqual({ ok: true });
    await tcp.stop();
    const result = await service.print(BYTES, 'receipt');
    expect(result).toMatchObject({ ok: false, fault: 'offline' });
    expect(result.ok ? '' : result.detail).toMatch(
      new RegExp(`127\\.0\\.0\\.1:${tcp.port}.*ECONNREFUSED.*check that it is on`),
    );
    expect(service.state()).toMatchObject({ connected: false, fault: 'offline', status: null });

    await tcp.restart();
    const back = nextChange(service, (state) => state.connected);
    expect(await service.print(BYTES, 'receipt')).toEqual({ ok: true });
    expect(await back).toMatchObject({ fault: null });
    await tcp.printer.waitForCut(2);
  });

  it('prints jobs one at a time in the order given', async () => {
    const { tcp, service } = await setUp();
    const results = await Promise.all([service.print(BYTES, 'first'), service.print(BYTES, 'second')]);
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    expect(tcp.printer.statusRequests).toEqual([1, 2, 4, 1, 2, 4, 1, 2, 4, 1, 2, 4]);
    expect(tcp.printer.decode().cuts).toBe(2);
  });

  it('prints nothing when no printer is configured, and says which key to set', async () => {
    service = new PrinterService({ config: PrinterConfigSchema.parse({}), logger, clock: new FakeClock() });
    expect(await service.print(BYTES, 'receipt')).toMatchObject({
      ok: false,
      fault: 'not_configured',
      detail: expect.stringContaining('printer.kind'),
    });
    expect(service.state()).toMatchObject({ configured: false, kind: 'none', fault: 'not_configured' });
  });
});
