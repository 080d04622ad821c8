import { existsSync, statSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/test-core';
import { kioskUi, launchChromium, RESULTS_DIR, startHeadlessKiosk } from './kiosk-ui';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('attract screen in Chromium against the headless kiosk', () => {
  const data = tempDir('rvm-e2e-');
  let kiosk: Awaited<ReturnType<typeof startHeadlessKiosk>>;

  beforeAll(async () => {
    kiosk = await startHeadlessKiosk({
      RVM_DATA_DIR: data.dir,
      RVM_MACHINE__NAME: 'RVM Indomaret Sudirman 01',
      // The attract screen's status is under test here, not the camera: demo items take the camera's place.
      RVM_VISION__ENABLED: 'false',
      RVM_DEPOSIT__DEMO_ITEMS: 'true',
    });
  });
  afterAll(async () => {
    await kiosk?.stop();
    data.cleanup();
  });

  it('shows the machine name and "ready" in plain words, in Indonesian then English', async () => {
    const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(kiosk.url);
    const ui = kioskUi(page);
    await ui.expectScreen('attract');
    await ui.expectMachineName('RVM Indomaret Sudirman 01');
    await ui.expectIndicator('online');
    expect(await page.getByRole('status').textContent()).toBe('Siap digunakan');
    expect(await ui.heading()).toBe('Kembalikan botol & kaleng');
    expect(await page.getByRole('button', { name: 'Mulai' }).isEnabled()).toBe(true);
    await ui.screenshot('attract-id');
    await ui.tapLanguageToggle();
    expect(await ui.heading()).toBe('Return bottles & cans');
    expect(await page.getByRole('status').textContent()).toBe('Ready');
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('en');
    await ui.screenshot('attract-en');
    expect(statSync(`${RESULTS_DIR}/attract-id.png`).size).toBeGreaterThan(10_000);
    // The CSP allowed everything the page needed: no blocked script, style or socket.
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says "temporarily unavailable" and offers no Start when the kiosk core stops, without a page error', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 1280 } });
    await page.goto(kiosk.url);
    const ui = kioskUi(page);
    await ui.expectIndicator('online');
    await kiosk.stop();
    await ui.expectIndicator('offline');
    await ui.expectScreen('out-of-service');
    expect(await page.getByRole('status').textContent()).toBe('Sementara tidak tersedia');
    expect(await page.getByRole('alert').textContent()).toContain('Layar tidak terhubung ke mesin.');
    expect(await page.getByRole('button', { name: 'Mulai' }).count()).toBe(0);
    await ui.screenshot('attract-offline');
    expect(existsSync(`${RESULTS_DIR}/attract-offline.png`)).toBe(true);
    await page.close();
  });
});

describe('a machine that cannot take items', () => {
  it('vision off without demo items: no Start that would fail on insert, the cause in plain words', async () => {
    const data = tempDir('rvm-e2e-no-intake-');
    const kiosk = await startHeadlessKiosk({ RVM_DATA_DIR: data.dir, RVM_VISION__ENABLED: 'false' });
    try {
      const page = await browser.newPage({ viewport: { width: 800, height: 480 } });
      await page.goto(kiosk.url);
      const ui = kioskUi(page);
      await ui.expectScreen('out-of-service');
      await ui.expectIndicator('online');
      expect(await page.getByRole('status').textContent()).toBe('Sementara tidak tersedia');
      const alert = await page.getByRole('alert').textContent();
      expect(alert).toContain('Sementara tidak tersedia');
      expect(alert).toContain('Pengenalan barang sedang tidak tersedia.');
      expect(await page.getByRole('button', { name: 'Mulai' }).count()).toBe(0);
      await ui.screenshot('attract-no-intake-800x480');
      await page.close();
    } finally {
      await kiosk.stop();
      data.cleanup();
    }
  });
});
