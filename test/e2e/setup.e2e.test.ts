import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PlatformDouble } from '../platform-double/double';
import { tempDir } from '../support/test-core';
import { kioskUi, launchChromium, RESULTS_DIR, startHeadlessKiosk } from './kiosk-ui';

// First boot in Chromium against the headless kiosk and the platform double: the setup code from the
// log, the platform (v1 credentials file / v2 machine account) tested, camera, model, time zone and
// the first technician, typed partly on the on-screen keyboard, each mistake said next to its field;
// then the kiosk restarts set up and links to the platform: v1 as `npm run serve` in a terminal (it
// starts its successor on the same port and the screen reloads by itself), v2 as under systemd (exit 75).

const MODEL = resolve('..', 'shared', 'models', 'yolov8n-det-int8-320.onnx');
const PIN = '135790';

/** Types `text` on the on-screen keyboard (capitals with its shift key). */
async function typeOnScreen(page: Page, text: string) {
  const keyboard = page.getByTestId('osk');
  for (const char of text) {
    if (/[A-Z]/.test(char)) await keyboard.getByRole('button', { name: 'Capitals' }).click();
    await keyboard.getByRole('button', { name: char, exact: true }).click();
  }
}

/** The words in error next to the field with this test id. */
const fieldError = (page: Page, testId: string) =>
  page.locator('label', { has: page.getByTestId(testId) }).getByTestId('field-error');

/** A TCP port free now (the kiosk that restarts itself needs the same one twice). */
const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

describe.each(['v1', 'v2'] as const)('first-boot setup (%s)', (profile) => {
  let double: PlatformDouble;
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('is opened by the one-time code, tests the connection, saves everything and restarts set up', async () => {
    double = await new PlatformDouble().start();
    cleanups.push(() => double.close());
    const data = tempDir(`rvm-e2e-setup-${profile}-`);
    cleanups.push(data.cleanup);
    mkdirSync(join(data.dir, 'models'));
    const manifest = join(data.dir, 'models', 'manifest.json');
    writeFileSync(
      manifest,
      JSON.stringify({ model: MODEL, version: 'fixture-1', classes: { bottle: { material: 'pet' } } }),
    );
    // Vision stays off: this machine has no /dev/video0 for the camera chosen below.
    // v2 with INVOCATION_ID: as under systemd, a restart is an exit 75 for the service manager; v1 as
    // `npm run serve` in a terminal, which restarts itself on its port.
    const systemd = profile === 'v2';
    const env = {
      RVM_DATA_DIR: data.dir,
      RVM_SETUP__ENABLED: 'true',
      RVM_VISION__ENABLED: 'false',
      // Demo items (vision is off, no camera here) make the restarted kiosk one that takes items: it offers Start.
      ...(systemd
        ? { INVOCATION_ID: 'e2e-as-systemd' }
        : { RVM_REMOTE__PORT: String(await freePort()), RVM_DEPOSIT__DEMO_ITEMS: 'true' }),
    };
    const kiosk = await startHeadlessKiosk(env);
    cleanups.push(() => kiosk.stop());
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    cleanups.push(() => page.close());
    await page.goto(kiosk.url);

    // The code is in the log only; a wrong one is refused.
    await page.getByTestId('setup-screen').waitFor();
    // Setup speaks both languages; this walk reads it in English.
    await page.getByRole('button', { name: 'English' }).click();
    const [, a, b] = /setup code (\d{4}) (\d{4})/.exec(kiosk.output()) ?? [];
    expect(a && b, 'the setup code is printed on the console').toBeTruthy();
    await page.getByTestId('setup-code').fill('00000000');
    await page.getByTestId('setup-unlock').click();
    await expect.poll(() => fieldError(page, 'setup-code').textContent()).toMatch(/^Wrong code: it is the 8 digits/);
    await page.getByTestId('setup-code').fill(`${a} ${b}`);
    await page.getByTestId('setup-unlock').click();

    await page.getByTestId('setup-profile').selectOption(profile);
    // Nothing entered yet: the screen says what each field needs, next to it, before asking main.
    await page.getByTestId('setup-test').click();
    await expect
      .poll(() => fieldError(page, 'setup-base-url').textContent())
      .toMatch(/^Enter the platform address, like https:/);
    // The address on the on-screen keyboard; the field stays in view above it.
    await page.getByTestId('setup-base-url').click();
    const keyboard = page.getByTestId('osk');
    await keyboard.waitFor();
    for (let i = 0; i < 'https://'.length; i++) await keyboard.getByRole('button', { name: 'Delete' }).click();
    await typeOnScreen(page, double.url);
    await expect.poll(() => page.getByTestId('setup-base-url').inputValue()).toBe(double.url);
    await expect.poll(() => fieldError(page, 'setup-base-url').count()).toBe(0);
    const field = (await page.getByTestId('setup-base-url').boundingBox())!;
    expect(field.y).toBeGreaterThanOrEqual(0);
    expect(field.y + field.height).toBeLessThanOrEqual((await keyboard.boundingBox())!.y);
    await page.screenshot({ path: join(RESULTS_DIR, `setup-keyboard-${profile}.png`) });
    await keyboard.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => keyboard.count()).toBe(0);
    if (profile === 'v1') {
      await page.getByTestId('setup-credentials').fill('{"serial_number": ');
      await page.getByTestId('setup-test').click();
      await expect
        .poll(() => fieldError(page, 'setup-credentials').textContent())
        .toMatch(/^This is not a valid rvm-credentials\.json/);
      // JSON, but not the platform's file: main refuses it, and the screen puts that on the field too.
      await page.getByTestId('setup-credentials').fill('{"serial_number": "S1"}');
      await expect.poll(() => fieldError(page, 'setup-credentials').count()).toBe(0);
      await page.getByTestId('setup-test').click();
      await expect
        .poll(() => fieldError(page, 'setup-credentials').textContent())
        .toMatch(/^This is not a valid rvm-credentials\.json/);
      expect(await page.getByTestId('setup-result').textContent()).not.toContain('download it again');
      // The file an admin downloaded, from a "USB stick".
      const file = join(data.dir, 'rvm-credentials-download.json');
      writeFileSync(
        file,
        JSON.stringify({ serial_number: double.o.serial, api_key: double.o.apiKey, name: 'Setup RVM' }),
      );
      await page.getByTestId('setup-credentials-file').setInputFiles(file);
      await expect.poll(() => page.getByTestId('setup-credentials').inputValue()).toContain(double.o.serial!);
    } else {
      await page.getByTestId('setup-rvm-id').fill(String(double.o.rvmId));
      await page.getByTestId('setup-email').fill(double.o.email!);
      await page.getByTestId('setup-password').fill('not-the-password');
      await page.getByTestId('setup-test').click();
      await expect.poll(() => page.getByTestId('setup-result').textContent()).toMatch(/did not accept the connection/);
      await page.getByTestId('setup-password').fill(double.o.password!);
    }
    await page.getByTestId('setup-test').click();
    await expect
      .poll(() => page.getByTestId('setup-result').textContent())
      .toMatch(profile === 'v1' ? /Connection works: handshake accepted/ : /Connection works: logged in/);

    await page.getByTestId('setup-camera').fill('/dev/video0');
    await expect.poll(() => page.getByTestId('setup-model').inputValue()).toBe(manifest);
    await page.getByTestId('setup-timezone').fill('Asia/Makassar');
    await page.getByTestId('setup-tech-name').click();
    await typeOnScreen(page, 'Rina');
    // The PIN on the numeric pad; the second by the physical keyboard, which works as always.
    await page.getByTestId('setup-pin').click();
    await expect.poll(() => keyboard.getByRole('button', { name: 'q' }).count()).toBe(0);
    for (const digit of PIN) await keyboard.getByRole('button', { name: digit, exact: true }).click();
    await page.getByTestId('setup-pin2').fill(PIN);
    await keyboard.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.getByTestId('setup-tech-name').inputValue()).toBe('Rina');
    await expect.poll(() => page.getByTestId('setup-pin').inputValue()).toBe(PIN);
    await page.screenshot({ path: join(RESULTS_DIR, `setup-${profile}.png`) });
    const exited = new Promise<number | null>((r) => kiosk.process.once('exit', (code) => r(code)));
    await page.getByTestId('setup-finish').click();
    await expect
      .poll(() => page.getByTestId('setup-done-text').textContent())
      .toBe('The kiosk is restarting with it; this screen reloads when the kiosk is back.');
    await page.screenshot({ path: join(RESULTS_DIR, `setup-done-${profile}.png`) });
    if (systemd)
      expect(await exited).toBe(75); // EX_TEMPFAIL: the service manager starts it again
    // In a terminal the kiosk starts again by itself on its port, and the screen reloads onto it, set up.
    else {
      await kioskUi(page).expectScreen('attract');
      await kioskUi(page).expectIndicator('online');
    }

    const configPath = join(data.dir, 'config.json');
    const text = readFileSync(configPath, 'utf8');
    expect(statSync(configPath).mode & 0o077).toBe(0);
    expect(text).not.toContain(PIN);
    const config = JSON.parse(text);
    expect(config.platform).toMatchObject({ profile, baseUrl: double.url, v2: { timezone: 'Asia/Makassar' } });
    expect(config.vision).toMatchObject({ manifest, camera: { kind: 'v4l2', device: '/dev/video0' } });
    expect(config.maintenance.technicians).toEqual([{ name: 'Rina', pinHash: expect.stringMatching(/^scrypt\$/) }]);
    if (profile === 'v1') {
      const credentials = join(data.dir, 'rvm-credentials.json');
      expect(statSync(credentials).mode & 0o077).toBe(0);
      expect(JSON.parse(readFileSync(credentials, 'utf8'))).toMatchObject({ serial_number: double.o.serial });
    } else {
      expect(config.platform.v2).toMatchObject({ rvmId: double.o.rvmId, email: double.o.email });
    }
    expect(existsSync(join(data.dir, 'provisioned.json'))).toBe(true);

    if (!systemd) return;
    // Started again (as systemd would): set up, customers see the attract screen, the platform answers.
    // Vision is still off (no camera here): demo items make it a machine that takes items, so it offers Start.
    const again = await startHeadlessKiosk({ ...env, RVM_DEPOSIT__DEMO_ITEMS: 'true' });
    cleanups.push(() => again.stop());
    expect(again.output()).not.toMatch(/setup code/);
    await page.goto(again.url);
    await kioskUi(page).expectScreen('attract');
    await kioskUi(page).expectIndicator('online');
  }, 90_000);
});
