import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApi, contract, type PreviewFrame } from '../../src-preload/contract';
import { createWsTransport } from '../../src-renderer/transport/ws-transport';
import { fitContain, toCanvasBox } from '../../src-renderer/customer/geometry';
import { PlatformDouble } from '../platform-double/double';
import { tempDir } from '../support/test-core';
import { kioskUi, launchChromium, resetSession, startHeadlessKiosk } from './kiosk-ui';
import { layoutProblems } from './layout-check';

// The customer's journeys in Chromium against the headless kiosk: the replay camera, the real
// inference worker and the platform double (v1, live events on).

const MODEL = resolve('..', 'shared', 'models', 'yolov8n-det-int8-640.onnx');
const BOTTLE = resolve('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');
const PEOPLE = resolve('..', 'shared', 'images', 'coco', 'zidane.jpg');

/**
 * A looping chamber: empty floor, a PET bottle (the COCO model calls it "toothbrush"; the manifest
 * maps it to pet), empty, then two people (a class the manifest does not take: rejected).
 */
async function chamber(dir: string): Promise<string> {
  const folder = join(dir, 'frames');
  mkdirSync(folder);
  const { width, height } = await sharp(BOTTLE).metadata();
  const empty = join(dir, 'empty.png');
  await sharp(BOTTLE).blur(30).png().toFile(empty);
  const people = join(dir, 'people.png');
  await sharp(PEOPLE).resize(width, height, { fit: 'cover' }).png().toFile(people);
  const bottle = join(dir, 'bottle.png');
  await sharp(BOTTLE).png().toFile(bottle);
  const sequence = [
    ...Array(12).fill(empty),
    ...Array(10).fill(bottle),
    ...Array(12).fill(empty),
    ...Array(10).fill(people),
  ];
  sequence.forEach((file, i) => copyFileSync(file, join(folder, `${String(i).padStart(3, '0')}.png`)));
  return folder;
}

async function provision(dir: string, double: PlatformDouble, model = MODEL): Promise<void> {
  const folder = await chamber(dir);
  mkdirSync(join(dir, 'models'));
  writeFileSync(
    join(dir, 'models', 'manifest.json'),
    JSON.stringify({ model, detectConfidence: 0.4, minConfidence: 0.4, classes: { toothbrush: { material: 'pet' } } }),
  );
  writeFileSync(
    join(dir, 'rvm-credentials.json'),
    JSON.stringify({ serial_number: double.o.serial, api_key: double.o.apiKey, name: 'E2E RVM' }),
    { mode: 0o600 },
  );
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ vision: { camera: { kind: 'replay', folder, fps: 10, loop: true } } }),
  );
}

describe('customer journeys in Chromium', () => {
  const data = tempDir('rvm-e2e-customer-');
  let double: PlatformDouble;
  let browser: Browser;
  let kiosk: Awaited<ReturnType<typeof startHeadlessKiosk>>;
  let page: Page;

  beforeAll(async () => {
    double = await new PlatformDouble().start();
    await provision(data.dir, double);
    kiosk = await startHeadlessKiosk({
      RVM_DATA_DIR: data.dir,
      RVM_MACHINE__NAME: 'RVM Pasar Minggu 02',
      RVM_PLATFORM__PROFILE: 'v1',
      RVM_PLATFORM__BASE_URL: double.url,
      RVM_PLATFORM__LIVE__KEY: double.o.pusherKey,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(kiosk.url);
    await kioskUi(page).expectScreen('attract');
  });
  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    await double?.close();
    data.cleanup();
  });
  // The journeys share one kiosk (starting it with the real model takes long), but none depends on
  // another: each starts at the attract screen whatever the previous one left behind.
  beforeEach(async () => {
    double.faults.down = false;
    await resetSession(kiosk.url);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.reload();
    await kioskUi(page).expectScreen('attract');
  });

  it('member session: scan the code, two bottles accepted, receipt with the name', async () => {
    const ui = kioskUi(page);
    await ui.expectIndicator('online');
    await ui.screenshot('customer-attract');
    await ui.tapStart();
    await ui.expectScreen('identify');
    const content = await ui.qrContent();
    expect(content).toMatch(new RegExp(`^myrvm://session/[0-9a-f]{64}\\?m=${double.rvmUuid}$`));
    await ui.screenshot('customer-identify');
    expect(double.claim(/session\/([0-9a-f]+)/.exec(content)![1]!, { id: 501, name: 'Siti Rahma' })).toBe(true);
    await ui.expectScreen('insert');
    await ui.expectLiveView();
    await ui.expectAcceptedCount(2, 45_000);
    await ui.screenshot('customer-insert');
    await ui.tapFinish();
    const receipt = await ui.receiptText();
    expect(receipt).toContain('Siti Rahma');
    expect(receipt).toMatch(/[1-9]\d* poin/);
    // Online: the receipt does not claim the machine is offline.
    expect(await page.getByTestId('will-sync').count()).toBe(0);
    await ui.screenshot('customer-receipt-member');
    await ui.tapDone();
    await ui.expectScreen('attract');
  }, 90_000);

  it('a rejected item says why and asks to take it back', async () => {
    const ui = kioskUi(page);
    await ui.tapStart();
    await ui.continueWithout('donation');
    await ui.expectScreen('insert');
    const text = await ui.expectItemCard(false, 45_000);
    expect(text).toMatch(/silakan ambil kembali/);
    await ui.screenshot('customer-insert-rejected');
    await ui.tapFinish();
    await ui.receiptText();
    await ui.tapDone();
  }, 90_000);

  it('guest donation while the platform is offline: items still counted, the receipt says they will sync', async () => {
    const ui = kioskUi(page);
    double.faults.down = true;
    try {
      await ui.tapStart();
      await ui.expectScreen('identify');
      await page.getByTestId('no-code').waitFor({ timeout: 15_000 });
      await ui.continueWithout('donation');
      await ui.expectAcceptedCount(1, 45_000);
      await ui.tapFinish();
      const receipt = await ui.receiptText();
      expect(receipt).toContain('disumbangkan');
      await page.getByTestId('will-sync').waitFor();
      await ui.screenshot('customer-receipt-offline');
      await ui.tapDone();
    } finally {
      double.faults.down = false;
    }
  }, 90_000);

  it('the overlay box lands on the right canvas pixels at three window sizes, portrait without black bars', async () => {
    const ui = kioskUi(page);
    // The same frames through the contract, from here: the detection the screen should be drawing.
    const transport = createWsTransport(`${kiosk.url.replace('http', 'ws')}ws`);
    const api = buildApi(contract, transport);
    const frames: PreviewFrame[] = [];
    const stop = api.vision.onPreview((f) => frames.push(f));
    try {
      await ui.tapStart();
      await ui.continueWithout('voucher');
      await ui.expectLiveView();
      for (const viewport of [
        { width: 1280, height: 800 },
        { width: 1920, height: 1080 },
        { width: 1080, height: 1920 },
      ]) {
        await page.setViewportSize(viewport);
        const withBox = () => frames.filter((f) => f.detections.some((d) => d.className === 'toothbrush'));
        const canvas = page.locator('canvas.live-view__canvas');
        /** Which of the checks fail on what is on screen now (the box comes and goes with the bottle). */
        const misses = async (): Promise<string[]> => {
          const frame = withBox().at(-1);
          if (!frame || Date.now() - frame.at > 600) return ['no bottle on screen'];
          const box = frame.detections.find((d) => d.className === 'toothbrush')!.box;
          const png = await canvas.screenshot();
          const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
          const fit = fitContain(frame.sourceWidth, frame.sourceHeight, info.width, info.height);
          const [x, y, w, h] = toCanvasBox(box, fit);
          const green = (px: number, py: number) => {
            const i = (Math.round(py) * info.width + Math.round(px)) * info.channels;
            return data[i]! < 90 && data[i + 1]! > 200 && data[i + 2]! < 150;
          };
          const checks: Array<[string, boolean]> = [
            // The box's left and right edges halfway down, and its bottom edge: the overlay colour.
            ['left edge', green(x + 1, y + h / 2)],
            ['right edge', green(x + w - 1, y + h / 2)],
            ['bottom edge', green(x + w / 2, y + h - 1)],
            // Well inside and well outside the box: the picture, not the overlay.
            ['inside', !green(x + w / 2, y + h / 2)],
            ['outside', !green(Math.max(2, x - 30), y + h / 2)],
            ['canvas fills its box', info.width === Math.round((await canvas.boundingBox())!.width)],
          ];
          return checks.filter(([, ok]) => !ok).map(([name]) => `${name} at ${viewport.width}×${viewport.height}`);
        };
        await expect.poll(misses, { timeout: 30_000, interval: 100 }).toEqual([]);
        // The live view takes the camera's shape (portrait: no black bars above and below), and fits.
        const { width, height } = (await canvas.boundingBox())!;
        const frame = frames.at(-1)!;
        expect(Math.abs(width / height - frame.sourceWidth / frame.sourceHeight)).toBeLessThan(
          viewport.width < viewport.height ? 0.02 : 1,
        );
        expect(await layoutProblems(page)).toEqual([]);
        await ui.screenshot(`customer-overlay-${viewport.width}x${viewport.height}`);
      }
    } finally {
      stop();
      transport.close();
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    // A voucher is issued for points: the bottle in view must have been credited before Finish
    // (the overlay checks can pass while its verdict is still being voted on).
    await ui.expectAcceptedCount(1, 45_000);
    await ui.tapFinish();
    const receipt = await ui.receiptText();
    expect(receipt).toMatch(/voucher/i);
    await page.locator('[data-screen="receipt"] svg.qr').waitFor();
    await ui.screenshot('customer-receipt-voucher');
    await ui.tapDone();
  }, 120_000);
});

describe('out of service in Chromium', () => {
  it('a corrupt model: the attract screen says so in plain words, no Start', async () => {
    const data = tempDir('rvm-e2e-oos-');
    const double = await new PlatformDouble().start();
    const broken = join(data.dir, 'broken.onnx');
    writeFileSync(broken, readFileSync(MODEL).subarray(0, 30_000));
    await provision(data.dir, double, broken);
    const kiosk = await startHeadlessKiosk({ RVM_DATA_DIR: data.dir });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(kiosk.url);
      const ui = kioskUi(page);
      await ui.expectScreen('out-of-service');
      const alert = await page.getByRole('alert').textContent();
      expect(alert).toContain('Pengenalan barang sedang tidak tersedia.');
      expect(alert).not.toContain('onnx');
      expect(await page.getByRole('button', { name: 'Mulai' }).count()).toBe(0);
      await ui.screenshot('customer-out-of-service');
    } finally {
      await browser.close();
      await kiosk.stop();
      await double.close();
      data.cleanup();
    }
  }, 60_000);
});
