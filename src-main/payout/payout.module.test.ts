import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrintJob } from '../../src-preload/contract';
import { startTcpPrinter, type TcpPrinter } from '../../test/support/virtual-printer';
import { makeTestCore, tempDir } from '../../test/support/test-core';
import { petVerdict } from '../../test/support/verdicts';

// The payout in a real core: vouchers issued at the close of a voucher session, printed on a virtual
// ESC/POS printer over TCP, reprinted, listed and exported; a printer fault is an alert, never a lost credit.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function kiosk(state: Parameters<typeof startTcpPrinter>[0] = {}, env: Record<string, string> = {}) {
  const printer: TcpPrinter = await startTcpPrinter(state);
  cleanups.push(() => printer.close());
  const k = makeTestCore({
    RVM_MACHINE__ID: 'RVM-11',
    RVM_MACHINE__TIME_ZONE: 'Asia/Jakarta',
    RVM_PRINTER__KIND: 'tcp',
    RVM_PRINTER__HOST: '127.0.0.1',
    RVM_PRINTER__PORT: String(printer.port),
    RVM_PRINTER__FOOTER: JSON.stringify(['Tukarkan di kasir']),
    RVM_DEPOSIT__POINT_VALUE__AMOUNT: '10',
    RVM_DEPOSIT__POINT_VALUE__CURRENCY: 'IDR',
    ...env,
  });
  cleanups.push(() => k.dispose());
  k.core.start();
  const jobs: PrintJob[] = [];
  k.core.hub.subscribe('payout.print', (job) => jobs.push(job as PrintJob));
  const done = (sessionId: string) =>
    new Promise<PrintJob>((resolve) => {
      const check = () => jobs.find((j) => j.sessionId === sessionId && j.state !== 'printing');
      const found = check();
      if (found) return resolve(found);
      const stop = k.core.hub.subscribe('payout.print', () => {
        const job = check();
        if (job) {
          stop();
          resolve(job);
        }
      });
    });
  /** A whole customer session of `items` PET bottles; its receipt. */
  const session = async (kind: 'voucher' | 'guest', items: number) => {
    const deposit = k.core.deposit.service!;
    deposit.start();
    deposit.identify({ kind });
    for (let i = 0; i < items; i++) {
      await deposit.acceptVerdict(petVerdict);
      deposit.chamberCleared();
    }
    return deposit.finish().receipt!;
  };
  return { ...k, printer, session, done, jobs };
}

describe('vouchers on paper', () => {
  it('prints a voucher at the end of a voucher session: QR = the signed code, Code128 = its number', async () => {
    const k = await kiosk();
    const receipt = await k.session('voucher', 2);
    expect(await k.done(receipt.sessionId)).toMatchObject({ state: 'printed' });
    const paper = k.printer.printer.decode();
    expect(paper.qrcodes).toEqual([receipt.voucher!.payload]);
    expect(paper.barcodes.map((b) => b.data)).toContain(receipt.voucher!.number);
    const text = paper.lines.join('\n');
    expect(text).toMatch(/RVM-TEST-01/);
    expect(text).toMatch(/20/); // points
    expect(text).toMatch(/Rp\s?200/);
    expect(text).toMatch(/Tukarkan di kasir/);
    expect(paper.cuts).toBe(1);
    const row = k.core.store.repos!.vouchers.bySession(receipt.sessionId)!;
    expect(row.printedAt).not.toBeNull();
    // Redeemable once at the desk.
    expect(k.core.payout.desk!.redeem(paper.qrcodes[0]!, 'till 1')).toMatchObject({ ok: true });
    expect(k.core.payout.desk!.redeem(receipt.voucher!.number, 'till 1')).toMatchObject({
      ok: false,
      status: 'redeemed',
    });
  });

  it('prints a guest’s receipt only when asked, only while it is on screen; a reprint says REPRINT', async () => {
    const k = await kiosk();
    const handlers = k.core.payout.handlers();
    const receipt = await k.session('guest', 1);
    expect(k.printer.printer.printed.length).toBe(0);
    const job = await handlers.printReceipt(
      { sessionId: receipt.sessionId, locale: 'en' },
      { transport: 'ipc', client: 'ipc' },
    );
    expect(job).toMatchObject({ state: 'printed' });
    expect(k.printer.printer.decode().lines.join('\n')).toMatch(/Guest/);
    expect(await handlers.printReceipt({ sessionId: 'OTHER' }, { transport: 'ipc', client: 'ipc' })).toMatchObject({
      state: 'failed',
      detail: /no longer on the screen/,
    });
    k.printer.printer.clear();
    expect(await handlers.reprint({ sessionId: receipt.sessionId }, { transport: 'ipc', client: 'ipc' })).toMatchObject(
      {
        state: 'printed',
      },
    );
    expect(k.printer.printer.decode().lines.join('\n')).toMatch(/REPRINT|CETAK ULANG/);
  });

  it('paper out: nothing printed, the voucher stays issued and on screen, an alert is raised and clears', async () => {
    const k = await kiosk({ paper: 'out' });
    const receipt = await k.session('voucher', 1);
    expect(await k.done(receipt.sessionId)).toMatchObject({ state: 'failed', fault: 'paper_out' });
    expect(k.printer.printer.printed.length).toBe(0);
    expect(k.core.deposit.service!.snapshot().receipt?.voucher?.payload).toBe(receipt.voucher!.payload);
    expect(k.core.store.repos!.vouchers.bySession(receipt.sessionId)).toMatchObject({ points: 10, printedAt: null });
    expect((await k.core.monitor.sampleNow()).printerFault).toBe(1);

    k.printer.printer.state.paper = 'ok';
    await k.core.payout.printer.refresh();
    expect((await k.core.monitor.sampleNow()).printerFault).toBe(0);
    const handlers = k.core.payout.handlers();
    expect(await handlers.reprint({ sessionId: receipt.sessionId }, { transport: 'ipc', client: 'ipc' })).toMatchObject(
      {
        state: 'printed',
      },
    );
    expect(k.printer.printer.decode().qrcodes).toEqual([receipt.voucher!.payload]);
  });

  it('lists vouchers, exports CSV to a drive and prints a test page', async () => {
    const k = await kiosk();
    const receipt = await k.session('voucher', 3);
    await k.done(receipt.sessionId);
    const handlers = k.core.payout.handlers();
    const ctx = { transport: 'ipc', client: 'ipc' } as const;
    const list = await handlers.vouchers({ filter: 'open', limit: 50, offset: 0 }, ctx);
    expect(list).toMatchObject({
      issued: 1,
      redeemed: 0,
      openPoints: 30,
      rows: [{ number: receipt.voucher!.number, points: 30 }],
    });
    await expect(async () => handlers.exportVouchers({ target: k.dir, from: 0 }, ctx)).rejects.toThrow(/exportRoots/);
    const key = await handlers.publicKey(undefined, ctx);
    expect(key.line).toMatch(/^RVMKEY1\.RVM-11\./);
    k.printer.printer.clear();
    expect(await handlers.testPage(undefined, ctx)).toMatchObject({ state: 'printed' });
    expect(k.printer.printer.decode().lines.join('\n')).toMatch(/tcp/);
  });

  it('exports to a removable drive under maintenance.exportRoots', async () => {
    const media = tempDir('rvm-media-');
    cleanups.push(() => media.cleanup());
    const drive = join(media.dir, 'usb0');
    mkdirSync(drive);
    const k = await kiosk({}, { RVM_MAINTENANCE__EXPORT_ROOTS: JSON.stringify([media.dir]) });
    const receipt = await k.session('voucher', 1);
    await k.done(receipt.sessionId);
    const out = await k.core.payout
      .handlers()
      .exportVouchers({ target: drive, from: 0 }, { transport: 'ipc', client: 'ipc' });
    expect(out.rows).toBe(1);
    expect(readdirSync(drive)).toEqual([expect.stringMatching(/^vouchers-RVM-11-\d{8}T\d{6}\.csv$/)]);
    expect(readFileSync(out.path, 'utf8')).toContain(`${receipt.voucher!.number},RVM-11-${receipt.voucher!.number},`);
  });
});
