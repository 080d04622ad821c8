import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/test-core';
import { TECHNICIAN } from '../support/technician';
import { startTcpPrinter, type TcpPrinter } from '../support/virtual-printer';
import { kioskUi, launchChromium, maintenanceUi, startHeadlessKiosk, writeDemoConfig } from './kiosk-ui';

// Vouchers on paper (#20): a guest's voucher session in Chromium against the headless kiosk with demo
// items and a virtual ESC/POS network printer; the paper carries the code on the screen, and the shop's
// till redeems it once over the LAN endpoint.

describe('vouchers on paper in Chromium', () => {
  const data = tempDir('rvm-e2e-voucher-');
  let printer: TcpPrinter;
  let browser: Browser;
  let kiosk: Awaited<ReturnType<typeof startHeadlessKiosk>>;
  /** The first test's voucher number, redeemed at the till: the technician finds it in the list. */
  let redeemedNumber = '';

  beforeAll(async () => {
    printer = await startTcpPrinter();
    mkdirSync(join(data.dir, 'media', 'usb0'), { recursive: true });
    writeDemoConfig(data.dir);
    kiosk = await startHeadlessKiosk({
      RVM_DATA_DIR: data.dir,
      RVM_MACHINE__ID: 'RVM-E2E',
      RVM_MACHINE__NAME: 'RVM Voucher E2E',
      // No camera: the insert screen's demo buttons put in simulated items through the real flow.
      RVM_VISION__ENABLED: 'false',
      RVM_DEPOSIT__DEMO_ITEMS: 'true',
      RVM_PRINTER__KIND: 'tcp',
      RVM_PRINTER__HOST: '127.0.0.1',
      RVM_PRINTER__PORT: String(printer.port),
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    await printer?.close();
    data.cleanup();
  });

  /** Start → without an account → voucher → a bottle and a can → Finish; resolves on the receipt screen. */
  async function voucherSession(page: Page) {
    const ui = kioskUi(page);
    await page.goto(kiosk.url);
    await ui.expectScreen('attract');
    await ui.tapStart();
    await ui.continueWithout('voucher');
    await ui.expectScreen('insert');
    await page.getByTestId('demo-bottle').click();
    await ui.expectAcceptedCount(1);
    await page.getByTestId('demo-can').click();
    await ui.expectAcceptedCount(2);
    await ui.tapFinish();
    await ui.expectScreen('receipt');
    await page.getByTestId('voucher').waitFor();
    return ui;
  }

  /** The receipt fits the screen: no scrolling, and the code, its number and Done are all in view. */
  async function expectFits(page: Page) {
    // Content beyond its box, both ways, in the screen and its parts (overflow is hidden there, so it would be cut).
    // A string: the test's TypeScript has no DOM types.
    const overflow = await page.evaluate<number[]>(
      `[...document.querySelectorAll('[data-screen="receipt"], .receipt__body, .receipt__summary, .receipt__voucher')]
        .map((e) => e.scrollHeight - e.clientHeight + e.scrollWidth - e.clientWidth)`,
    );
    expect(overflow).toEqual([0, 0, 0, 0]);
    const viewport = page.viewportSize()!;
    for (const locator of [
      page.getByTestId('voucher').locator('svg.qr'),
      page.getByTestId('voucher-number'),
      page.getByTestId('voucher-expires'),
      page.getByRole('button', { name: /^(Selesai|Done)$/ }),
    ]) {
      const box = (await locator.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
    }
  }

  const till = (code: string) =>
    fetch(`${kiosk.url}till/v1/vouchers/redeem`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code, till: 'e2e' }),
    });

  it('prints the voucher on the screen (same QR, the number as Code128); the till redeems it once', async () => {
    printer.printer.clear();
    const page = await browser.newPage({ viewport: { width: 800, height: 480 } });
    const ui = await voucherSession(page);
    const code = (await page.getByTestId('voucher').locator('svg.qr').getAttribute('data-qr'))!;
    const number = (await page.getByTestId('voucher-number').getAttribute('data-number'))!;
    expect(number).toMatch(/^\d{13}$/);
    redeemedNumber = number;
    expect(await page.getByTestId('voucher-number').textContent()).toBe(
      `${number.slice(0, 4)} ${number.slice(4, 8)} ${number.slice(8)}`,
    );
    expect(await page.getByTestId('voucher-expires').textContent()).toMatch(/^Berlaku sampai \d{1,2} \S+ \d{4}$/);
    const points = Number(/^(\d+) poin$/.exec((await page.getByTestId('receipt-points').textContent())!)?.[1]);
    expect(points).toBeGreaterThan(0);
    const value = (await page.getByTestId('receipt-value').textContent())!;
    expect(value).toMatch(/^senilai Rp\s?[\d.]+$/);
    expect(value.replace(/\D/g, '')).toBe(String(points * 10));

    await printer.printer.waitForCut(1);
    const paper = printer.printer.decode();
    expect(paper.qrcodes).toEqual([code]);
    expect(paper.barcodes).toEqual([{ type: 'code128', data: number }]);
    // The shop's till takes it once.
    const first = await till(code);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ ok: true });
    const again = await till(code);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ok: false, status: 'redeemed' });

    await page.locator('[data-testid="print-state"][data-state="printed"]').waitFor();
    expect(await page.getByTestId('print-state').textContent()).toBe('Ambil voucher Anda dari printer');

    await expectFits(page);
    await ui.screenshot('receipt-voucher-800x480');
    await page.setViewportSize({ width: 1080, height: 1920 });
    await expectFits(page);
    await ui.screenshot('receipt-voucher-1080x1920');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await expectFits(page);

    await ui.tapDone();
    await ui.expectScreen('attract');
    await page.close();
  });

  it('with the paper out, the screen says the printer is not working and keeps the code', async () => {
    printer.printer.clear();
    printer.printer.state.paper = 'out';
    const page = await browser.newPage({ viewport: { width: 800, height: 480 } });
    const ui = await voucherSession(page);
    await page.locator('[data-testid="print-state"][data-state="failed"]').waitFor();
    expect(await page.getByTestId('print-state').textContent()).toBe(
      'Printer tidak berfungsi. Voucher Anda ada di layar: pindai atau foto kodenya, atau catat nomornya.',
    );
    expect(await page.getByTestId('voucher').locator('svg.qr').isVisible()).toBe(true);
    expect(await page.getByTestId('voucher-number').isVisible()).toBe(true);
    await expectFits(page);
    await ui.screenshot('receipt-voucher-paper-out-800x480');
    // Nothing was sent to a printer that said it had no paper.
    expect(printer.printer.decode().cuts).toBe(0);
    await page.close();
  });

  it('the technician sees the printer and the vouchers, prints a test page once the paper is back, and exports', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 480 } });
    const ui = kioskUi(page);
    const tech = maintenanceUi(page);
    await page.goto(kiosk.url);
    await ui.expectScreen('attract');
    await tech.longPressCorner();
    await tech.enterPin(TECHNICIAN.pin);
    await tech.expectMaintenance();

    // The paper is still out from the test before: the card says so, and a test page says why it did not print.
    const fault = page.getByTestId('printer-fault');
    await expect.poll(() => fault.textContent()).toBe('kertas habis');
    await tech.tap(/^Cetak halaman uji$/);
    await expect
      .poll(() => page.getByTestId('printer-outcome').textContent())
      .toMatch(/^Tidak tercetak: kertas habis\./);
    printer.printer.clear();
    printer.printer.state.paper = 'ok';
    await expect.poll(() => fault.textContent(), { timeout: 20_000 }).toBe('siap');
    await tech.tap(/^Cetak halaman uji$/);
    await expect.poll(() => page.getByTestId('printer-outcome').textContent()).toBe('Tercetak.');
    await printer.printer.waitForCut(1);
    expect(printer.printer.decode().lines.join('\n')).toContain('RVM-E2E');

    await tech.openTab(/^Voucher$/);
    const grouped = `${redeemedNumber.slice(0, 4)} ${redeemedNumber.slice(4, 8)} ${redeemedNumber.slice(8)}`;
    const row = page.locator('li[data-voucher]', { hasText: grouped });
    await row.waitFor();
    expect(await row.getAttribute('data-redeemed')).toBe('true');
    expect(await row.textContent()).toContain('oleh till e2e');
    expect(await page.locator('[data-count="issued"] .tile__value').textContent()).toBe('2');
    expect(await page.locator('[data-count="redeemed"] .tile__value').textContent()).toBe('1');
    await page.getByTestId('key-line').waitFor();
    expect(await page.getByTestId('key-line').textContent()).toMatch(/^RVMKEY1\.RVM-E2E\./);
    const wide = await page.evaluate<number>(
      `(({ scrollWidth, clientWidth }) => scrollWidth - clientWidth)(document.querySelector('.maintenance__body'))`,
    );
    expect(wide).toBe(0);
    await page.setViewportSize({ width: 1080, height: 1920 });
    await ui.screenshot('maintenance-vouchers-1080x1920');

    await tech.tap(/^Ekspor CSV ke .*usb0/);
    await expect.poll(() => tech.outcome()).toMatch(/^Selesai: 2 voucher ditulis ke /);
    const [csv] = readdirSync(join(data.dir, 'media', 'usb0')).filter((name) => name.endsWith('.csv'));
    expect(readFileSync(join(data.dir, 'media', 'usb0', csv!), 'utf8')).toContain(redeemedNumber);
    await tech.openTab(/^Dasbor$/);
    await page.getByTestId('printer-card').waitFor();
    await ui.screenshot('maintenance-dashboard-printer-1080x1920');
    await tech.exit();
    await page.close();
  });
});
