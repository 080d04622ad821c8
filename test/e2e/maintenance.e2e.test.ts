import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/test-core';
import { TECHNICIAN } from '../support/technician';
import { kioskUi, launchChromium, maintenanceUi, openKioskPage, startHeadlessKiosk } from './kiosk-ui';

// The technician's journey in Chromium against the headless kiosk with the real inference worker:
// the hidden gesture and PIN, live charts, a worker restart seen on the counter, an alert acknowledged.

const MODEL = resolve('..', 'shared', 'models', 'yolov8n-det-int8-320.onnx');
const BOTTLE = resolve('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');

describe('maintenance in Chromium', () => {
  const data = tempDir('rvm-e2e-maintenance-');
  let browser: Browser;
  let kiosk: Awaited<ReturnType<typeof startHeadlessKiosk>>;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(join(data.dir, 'media', 'usb0'), { recursive: true });
    const frames = join(data.dir, 'frames');
    mkdirSync(frames);
    await sharp(BOTTLE).blur(30).png().toFile(join(frames, '000.png'));
    mkdirSync(join(data.dir, 'models'));
    writeFileSync(
      join(data.dir, 'models', 'manifest.json'),
      JSON.stringify({
        model: MODEL,
        detectConfidence: 0.4,
        minConfidence: 0.4,
        classes: { toothbrush: { material: 'pet' } },
      }),
    );
    writeFileSync(
      join(data.dir, 'config.json'),
      JSON.stringify({
        vision: { camera: { kind: 'replay', folder: frames, fps: 2, loop: true } },
        maintenance: {
          technicians: [{ name: TECHNICIAN.name, pinHash: TECHNICIAN.pinHash }],
          // A stand-in for /media with one "USB drive" in it.
          exportRoots: [join(data.dir, 'media')],
        },
        monitor: {
          sampleS: 1,
          // A rule that holds on any machine, so there is an alert to acknowledge.
          alerts: {
            rules: { e2e_always: { metric: 'cpuPercent', op: '>=', threshold: 0, title: 'E2E: CPU measured' } },
          },
        },
      }),
    );
    kiosk = await startHeadlessKiosk({ RVM_DATA_DIR: data.dir, RVM_MACHINE__NAME: 'RVM Bengkel 01' });
    browser = await launchChromium();
    page = await openKioskPage(browser, kiosk.url);
  });

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    data.cleanup();
  });

  it('opens with the hidden gesture and PIN, shows live charts, restarts the worker, acknowledges an alert', async () => {
    const customer = kioskUi(page);
    const tech = maintenanceUi(page);
    await customer.expectScreen('attract');
    // A tap does nothing; only a long press opens the pad.
    await page.mouse.click(30, 30);
    await expect(page.getByTestId('pin-pad').count()).resolves.toBe(0);
    await tech.longPressCorner();
    await tech.expectPinPad();
    await tech.enterPin('000000');
    await expect.poll(tech.pinMessage).toMatch(/4/);
    await customer.screenshot('maintenance-01-pin-pad');
    await tech.enterPin(TECHNICIAN.pin);
    await tech.expectMaintenance();

    // Another screen (a customer's view from a second client) shows the machine under maintenance.
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await other.goto(kiosk.url);
    await kioskUi(other).expectScreen('out-of-service');
    await expect(other.getByTestId('status-banner').textContent()).resolves.toMatch(/servis|serviced/);
    await kioskUi(other).screenshot('maintenance-02-customer-sees-maintenance');
    await other.close();

    // Live charts: samples arrive every second and the lines are drawn.
    const before = await tech.chartSamples();
    await expect.poll(tech.chartSamples, { timeout: 10_000 }).toBeGreaterThan(before + 2);
    await page.locator('[data-testid="chart-cpuPercent"] .recharts-line path').first().waitFor();
    await expect.poll(() => tech.tile('cpuPercent')).toMatch(/^\d+(\.\d)? %$/);
    await expect.poll(() => tech.tile('temperatureC')).toMatch(/.+/);
    await expect.poll(() => tech.tile('workerRestarts'), { timeout: 20_000 }).toBe('0');
    await customer.screenshot('maintenance-03-dashboard');

    // Restart the inference worker; the counter on the dashboard moves.
    await tech.openTab(/Controls|Kontrol/);
    await tech.tap(/Restart inference worker|Mulai ulang proses inferensi/);
    await expect.poll(tech.outcome).toMatch(/restarts 1/);
    // The diagnostics bundle goes to the drive.
    await tech.tap(/(Export to|Ekspor ke) .*usb0/);
    await expect.poll(tech.outcome).toMatch(/rvm-diagnostics-RVM-/);
    expect(readdirSync(join(data.dir, 'media', 'usb0')).filter((n) => n.startsWith('rvm-diagnostics-'))).toHaveLength(
      1,
    );
    await customer.screenshot('maintenance-04-controls');
    await tech.openTab(/Dashboard|Dasbor/);
    await expect.poll(() => tech.tile('workerRestarts'), { timeout: 10_000 }).toBe('1');

    // Acknowledge the alert.
    await tech.openTab(/Alerts|Peringatan/);
    const alert = tech.alert('e2e_always');
    await alert.waitFor({ timeout: 10_000 });
    await alert.getByRole('button', { name: /Acknowledge|Tandai dilihat/ }).click();
    await expect.poll(() => alert.getByTestId('acked').textContent()).toMatch(/Agus/);
    await customer.screenshot('maintenance-05-alert-acknowledged');

    // A backup on demand, verified by its test-restore.
    await tech.openTab(/Backups|Cadangan/);
    await tech.tap(/Back up now|Cadangkan sekarang/);
    await expect.poll(tech.outcome, { timeout: 15_000 }).toMatch(/database/);
    await expect
      .poll(() => page.getByTestId('backups').locator('li').first().textContent())
      .toMatch(/verified|terperiksa/);
    await customer.screenshot('maintenance-06-backups');

    await tech.exit();
    await customer.expectScreen('attract');
  });
});
