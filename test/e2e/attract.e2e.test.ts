import { existsSync, statSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/test-core';
import { kioskUi, launchChromium, RESULTS_DIR, startHeadlessKiosk } from './kiosk-ui';

describe('attract screen in Chromium against the headless kiosk', () => {
  const data = tempDir('rvm-e2e-');
  let browser: Browser;
  let kiosk: Awaited<ReturnType<typeof startHeadlessKiosk>>;

  beforeAll(async () => {
    kiosk = await startHeadlessKiosk({
      RVM_DATA_DIR: data.dir,
      RVM_MACHINE__NAME: 'RVM Indomaret Sudirman 01',
      // The attract screen's connection indicator is under test here, not the camera.
      RVM_VISION__ENABLED: 'false',
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    data.cleanup();
  });

  it('shows the machine name and a live connection indicator, in Indonesian then English', async () => {
    const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(kiosk.url);
    const ui = kioskUi(page);
    await ui.expectScreen('attract');
    await ui.expectMachineName('RVM Indomaret Sudirman 01');
    await ui.expectIndicator('online');
    expect(await ui.heading()).toBe('Kembalikan botol & kaleng');
    await ui.screenshot('attract-id');
    await ui.tapLanguageToggle();
    expect(await ui.heading()).toBe('Return bottles & cans');
    await ui.expectIndicator('online');
    await ui.screenshot('attract-en');
    expect(statSync(`${RESULTS_DIR}/attract-id.png`).size).toBeGreaterThan(10_000);
    // The CSP allowed everything the page needed: no blocked script, style or socket.
    expect(errors).toEqual([]);
  });

  it('shows offline when the kiosk core stops, without a page error', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 1280 } });
    await page.goto(kiosk.url);
    const ui = kioskUi(page);
    await ui.expectIndicator('online');
    await kiosk.stop();
    await ui.expectIndicator('offline');
    await ui.screenshot('attract-offline');
    expect(existsSync(`${RESULTS_DIR}/attract-offline.png`)).toBe(true);
  });
});
