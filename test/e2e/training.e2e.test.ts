import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/test-core';
import { TECHNICIAN } from '../support/technician';
import { axeViolations, layoutProblems } from './layout-check';
import { kioskUi, launchChromium, maintenanceUi, openKioskPage, startHeadlessKiosk } from './kiosk-ui';

// The data engine in Chromium (#21): a guest's items in a replayed chamber become training samples; the
// technician reviews them on the Training data tab (confirm one, correct one to a new class with a box
// drawn by touch, mark one a bad image) and exports a YOLO dataset, which the test reads back from disk.

const MODEL = resolve('..', 'shared', 'models', 'yolov8n-det-int8-320.onnx');
const CHAMBER = resolve('..', 'shared', 'images', 'rvm-chamber');
/** The class a correction gives: a name the model has never had. */
const NEW_CLASS = 'pet_bottle_e2e';

/**
 * A looping chamber of one size: empty floor, a clear water bottle (the 320 COCO model calls it "remote",
 * ≈ 0.38), empty, a yellow bottle on the chamber floor (it calls that "sink", ≈ 0.28). The manifest takes both.
 */
async function chamber(dir: string): Promise<string> {
  const folder = join(dir, 'frames');
  mkdirSync(folder);
  const yellow = join(CHAMBER, 'bottle-4.png');
  const { width, height } = await sharp(yellow).metadata();
  const empty = join(dir, 'empty.png');
  await sharp(yellow).blur(30).png().toFile(empty);
  const water = join(dir, 'water.png');
  await sharp(join(CHAMBER, 'bottle-2.png')).resize(width, height, { fit: 'cover' }).png().toFile(water);
  const sequence = [
    ...Array(12).fill(empty),
    ...Array(10).fill(water),
    ...Array(12).fill(empty),
    ...Array(10).fill(yellow),
  ];
  sequence.forEach((file, i) => copyFileSync(file, join(folder, `${String(i).padStart(3, '0')}.png`)));
  return folder;
}

/** The Training data tab in words a technician would use. */
function trainingUi(page: Page) {
  const sample = page.getByTestId('training-sample');
  return {
    sample,
    /** The sample on screen once its picture has loaded: its id and the model's class. */
    async current(): Promise<{ id: number; cls: string }> {
      await sample.locator('image').waitFor();
      return { id: Number(await sample.getAttribute('data-sample')), cls: (await sample.getAttribute('data-class'))! };
    },
    async expectMovedOn(from: number) {
      await page
        .locator(`[data-testid="training-sample"]:not([data-sample="${from}"]), [data-testid="training-none"]`)
        .waitFor();
    },
    answer: (name: RegExp) => sample.getByRole('button', { name }).click(),
    /** Drags a box on the picture from one point to another, given as fractions of the picture element. */
    async drawBox(from: [number, number], to: [number, number]) {
      await sample.getByRole('button', { name: /Draw box|Gambar kotak/ }).click();
      const box = (await page.getByTestId('box-editor').boundingBox())!;
      const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
      await page.mouse.move(...at(from));
      await page.mouse.down();
      await page.mouse.move(...at([(from[0] + to[0]) / 2, (from[1] + to[1]) / 2]));
      await page.mouse.move(...at(to));
      await page.mouse.up();
      await page.locator('[data-testid="box-editor"][data-drawing="false"] [data-testid="label-box"]').waitFor();
    },
    async swipe(dx: number) {
      const box = (await page.getByTestId('box-editor').boundingBox())!;
      const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + dx / 2, y + 4);
      await page.mouse.move(x + dx, y + 8);
      await page.mouse.up();
    },
    count: (name: string) => page.getByTestId(`count-${name}`).locator('dd').textContent(),
  };
}

/**
 * Layout and axe problems of the screen now at three kiosk sizes (the layout test sees this tab only
 * switched off), plus `extra` problems of the screen at each size; after a resize the page brings a field
 * back into view on its next frame, so each size is polled briefly before it counts.
 */
async function problemsAtSizes(
  page: Page,
  what: string,
  { scrollTo, extra = async () => [] }: { scrollTo?: Locator; extra?: () => Promise<string[]> } = {},
): Promise<string[]> {
  const problems: string[] = [];
  for (const [width, height] of [
    [800, 480],
    [1080, 1920],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    await scrollTo?.scrollIntoViewIfNeeded();
    const now = async () => [...(await extra()), ...(await layoutProblems(page))];
    const found = await expect
      .poll(now, { timeout: 1500, interval: 100 })
      .toEqual([])
      .then(() => [], now);
    problems.push(...found.map((p) => `${what} ${width}x${height}: ${p}`));
    problems.push(...(await axeViolations(page)).map((v) => `${what} ${width}x${height}: axe ${v}`));
    await kioskUi(page).screenshot(`training-${what}-${width}x${height}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  return problems;
}

/** The on-screen keyboard open on `field`: the field must stay in view above the keys. */
function keyboardCovers(page: Page, field: Locator): () => Promise<string[]> {
  const keyboard = page.getByTestId('osk');
  return async () => {
    const [f, k] = [await field.boundingBox(), await keyboard.boundingBox()];
    return f && k && f.y >= 0 && f.y + f.height <= k.y + 1
      ? []
      : [`the keyboard covers the field (${JSON.stringify(f)} over ${JSON.stringify(k)})`];
  };
}

/** Types on the on-screen keyboard (letters, digits, _ - . / :), key by key as a finger does. */
async function typeOnScreen(page: Page, text: string) {
  const keyboard = page.getByTestId('osk');
  for (const char of text) {
    if (/[A-Z]/.test(char)) await keyboard.getByRole('button', { name: 'Capitals' }).click();
    await keyboard.getByRole('button', { name: char, exact: true }).click();
  }
}

describe('training data in Chromium', () => {
  const data = tempDir('rvm-e2e-training-');
  const images = join(data.dir, 'dataset', 'images');
  let browser: Browser;
  let kiosk: Awaited<ReturnType<typeof startHeadlessKiosk>>;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(join(data.dir, 'media', 'usb0'), { recursive: true });
    const folder = await chamber(data.dir);
    mkdirSync(join(data.dir, 'models'));
    writeFileSync(
      join(data.dir, 'models', 'manifest.json'),
      JSON.stringify({
        model: MODEL,
        detectConfidence: 0.2,
        minConfidence: 0.2,
        classes: { remote: { material: 'pet' }, sink: { material: 'pet' } },
      }),
    );
    writeFileSync(
      join(data.dir, 'config.json'),
      JSON.stringify({
        deposit: { pointValue: { amount: 10, currency: 'IDR' } },
        vision: { camera: { kind: 'replay', folder, fps: 10, loop: true }, dataset: { enabled: true, maxMb: 50 } },
        maintenance: {
          technicians: [{ name: TECHNICIAN.name, pinHash: TECHNICIAN.pinHash }],
          exportRoots: [join(data.dir, 'media')],
        },
      }),
    );
    kiosk = await startHeadlessKiosk({ RVM_DATA_DIR: data.dir, RVM_MACHINE__ID: 'RVM-E2E' });
    browser = await launchChromium();
    page = await openKioskPage(browser, kiosk.url);
  });
  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    data.cleanup();
  });

  it('a guest’s items become samples; reviewed, corrected with a drawn box and exported as a YOLO dataset', async () => {
    const customer = kioskUi(page);
    const tech = maintenanceUi(page);
    const training = trainingUi(page);

    // A guest puts in bottles until the machine has kept five frames.
    await customer.expectScreen('attract');
    await page.locator('[data-availability="ready"]').waitFor({ timeout: 30_000 });
    await customer.tapStart();
    await customer.continueWithout('guest');
    await customer.expectScreen('insert');
    await expect
      .poll(() => (existsSync(images) ? readdirSync(images).length : 0), { timeout: 90_000, interval: 250 })
      // The water bottle, which this model does not see, is kept too (moved out): five frames hold at
      // least two the model named, one of each bottle.
      .toBeGreaterThanOrEqual(5);
    await customer.tapFinish();
    await customer.expectScreen('receipt');
    await customer.tapDone();
    await customer.expectScreen('attract');

    await tech.longPressCorner();
    await tech.expectPinPad();
    await tech.enterPin(TECHNICIAN.pin);
    await tech.expectMaintenance();
    await customer.tapLanguageToggle();
    await tech.openTab(/^Training data$/);
    await expect.poll(() => training.count('samples').then(Number)).toBeGreaterThanOrEqual(5);
    // The review list as it stands now (the tab may have loaded it while the last sample was being kept).
    await page.locator('[data-filter="unreviewed"]').click();

    // Items the model never saw (taken out unanswered: moved_out, no box) come first, being the most
    // informative: each is marked a bad image here. Without one, the third sample is marked so below.
    let first = await training.current();
    const bad: number[] = [];
    while (first.cls === 'unknown') {
      bad.push(first.id);
      await training.answer(/^Bad image$/);
      await training.expectMovedOn(first.id);
      first = await training.current();
    }
    // Confirm the first sample the model named; a swipe back shows it confirmed, a swipe on returns.
    await training.answer(/^Confirm$/);
    await training.expectMovedOn(first.id);
    const second = await training.current();
    await training.swipe(200);
    await page.locator(`[data-testid="training-sample"][data-sample="${first.id}"][data-label="confirmed"]`).waitFor();
    await training.swipe(-200);
    await page.locator(`[data-testid="training-sample"][data-sample="${second.id}"]`).waitFor();

    expect(await problemsAtSizes(page, 'review', { scrollTo: training.sample })).toEqual([]);

    // Correct the next one to a class the model does not know, with a box drawn by touch.
    await training.drawBox([0.3, 0.2], [0.7, 0.9]);
    const drawn = (await page.getByTestId('label-box').getAttribute('data-box'))!.split(' ').map(Number);
    expect(drawn).toHaveLength(4);
    for (const v of drawn) expect(v).toBeGreaterThan(0);
    await training.answer(/^Correct class$/);
    await page.getByTestId('class-picker').waitFor();
    expect(await problemsAtSizes(page, 'correct', { scrollTo: page.getByTestId('class-picker') })).toEqual([]);
    // The new name on the on-screen keyboard, docked below the tab: the field stays in view above it.
    const newClass = page.getByLabel('New class name');
    await newClass.click();
    await page.getByTestId('osk').waitFor();
    expect(await problemsAtSizes(page, 'keyboard', { extra: keyboardCovers(page, newClass) })).toEqual([]);
    await typeOnScreen(page, NEW_CLASS);
    await expect.poll(() => newClass.inputValue()).toBe(NEW_CLASS);
    await page.getByTestId('osk').getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.getByTestId('osk').count()).toBe(0);
    await page.getByRole('button', { name: 'Use this name' }).click();
    await training.expectMovedOn(second.id);
    await expect.poll(() => page.getByTestId('training-outcome').textContent()).toContain(NEW_CLASS);

    if (bad.length === 0) {
      // Mark the next one a bad image.
      const third = await training.current();
      bad.push(third.id);
      await training.answer(/^Bad image$/);
      await training.expectMovedOn(third.id);
    }
    await expect.poll(() => training.count('confirmed')).toBe('1');
    await expect.poll(() => training.count('corrected')).toBe('1');
    await expect.poll(() => training.count('bad_image')).toBe(String(bad.length));
    await page.getByTestId('training-progress').locator(`li[data-class="${NEW_CLASS}"]`).waitFor();

    // Export to the drive (the field offers it), reviewed samples only.
    await expect(page.getByTestId('export-target').inputValue()).resolves.toBe(join(data.dir, 'media', 'usb0'));
    // The folder typed on screen over what was offered: the field at the foot of the tab stays above the keyboard.
    const target = page.getByTestId('export-target');
    await target.click();
    await page.getByTestId('osk').waitFor();
    expect(await problemsAtSizes(page, 'export-keyboard', { extra: keyboardCovers(page, target) })).toEqual([]);
    await target.selectText();
    await typeOnScreen(page, join(data.dir, 'media', 'usb0'));
    await page.getByTestId('osk').getByRole('button', { name: 'Done' }).click();
    await expect(target.inputValue()).resolves.toBe(join(data.dir, 'media', 'usb0'));
    await page.getByRole('button', { name: /^Export$/ }).click();
    const result = page.getByTestId('export-result');
    await result.waitFor({ timeout: 15_000 });
    expect(await problemsAtSizes(page, 'exported', { scrollTo: result })).toEqual([]);

    const [folderName] = readdirSync(join(data.dir, 'media', 'usb0')).filter((n) =>
      n.startsWith('rvm-dataset-RVM-E2E-'),
    );
    expect(folderName).toBeDefined();
    const folder = join(data.dir, 'media', 'usb0', folderName!);
    expect(await result.textContent()).toContain(folder);
    const yaml = readFileSync(join(folder, 'data.yaml'), 'utf8');
    const names = [...yaml.matchAll(/^ {2}(\d+): (".*")$/gm)].map((m) => [Number(m[1]), JSON.parse(m[2]!) as string]);
    expect(names.map(([i]) => i)).toEqual(names.map((_, i) => i));
    const classId = names.findIndex(([, n]) => n === NEW_CLASS);
    expect(names.length).toBe(81); // the model's 80 COCO names, then the new one
    expect(classId).toBe(80);
    expect(yaml).toMatch(/^train: images\/train$/m);
    expect(yaml).toMatch(/^val: images\/val$/m);

    // Each reviewed sample in exactly one split, its picture beside its label; the bad image nowhere.
    const split = (id: number) => ['train', 'val'].filter((s) => existsSync(join(folder, 'labels', s, `${id}.txt`)));
    expect(split(first.id)).toHaveLength(1);
    expect(split(second.id)).toHaveLength(1);
    for (const id of bad) expect(split(id)).toEqual([]);
    const labelOf = (id: number) => readFileSync(join(folder, 'labels', split(id)[0]!, `${id}.txt`), 'utf8');
    for (const id of [first.id, second.id])
      expect(existsSync(join(folder, 'images', split(id)[0]!, `${id}.jpg`))).toBe(true);
    const line = /^(\d+) (\S+) (\S+) (\S+) (\S+)\n$/;
    const corrected = line.exec(labelOf(second.id))!;
    expect(Number(corrected[1])).toBe(classId);
    expect(corrected.slice(2).map(Number)).toEqual(drawn.map((v) => Number(v.toFixed(6))));
    const confirmed = line.exec(labelOf(first.id))!;
    expect(names[Number(confirmed[1])]![1]).toBe(first.cls);
    for (const v of [...corrected.slice(2), ...confirmed.slice(2)].map(Number)) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    const files = (s: string) => readdirSync(join(folder, 'labels', s)).length;
    expect(files('train') + files('val')).toBe(2);
    expect(await result.textContent()).toContain(`${files('train')} training and ${files('val')} validation`);
    expect(await result.textContent()).toContain(`${NEW_CLASS}: 1`);

    await tech.exit();
    await customer.expectScreen('attract');
  }, 180_000);
});
