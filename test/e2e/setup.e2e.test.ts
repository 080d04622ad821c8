import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PlatformDouble } from '../platform-double/double';
import { tempDir } from '../support/test-core';
import { kioskUi, launchChromium, RESULTS_DIR, startHeadlessKiosk } from './kiosk-ui';

// First boot in Chromium against the headless kiosk and the platform double: the setup code from the
// log, the platform (v1 credentials file / v2 machine account) tested, camera, model, time zone and
// the first technician; then the kiosk restarts set up and links to the platform.

const MODEL = resolve('..', 'shared', 'models', 'yolov8n-det-int8-320.onnx');
const PIN = '135790';

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
    // INVOCATION_ID: as under systemd, a restart is an exit 75 for the service manager (npm run serve restarts itself).
    const env = {
      RVM_DATA_DIR: data.dir,
      RVM_SETUP__ENABLED: 'true',
      RVM_VISION__ENABLED: 'false',
      INVOCATION_ID: 'e2e-as-systemd',
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
    await expect.poll(() => page.getByTestId('setup-result').textContent()).toMatch(/wrong code/);
    await page.getByTestId('setup-code').fill(`${a} ${b}`);
    await page.getByTestId('setup-unlock').click();

    await page.getByTestId('setup-profile').selectOption(profile);
    await page.getByTestId('setup-base-url').fill(double.url);
    if (profile === 'v1') {
      await page.getByTestId('setup-credentials').fill('{"serial_number": ');
      await page.getByTestId('setup-test').click();
      await expect
        .poll(() => page.getByTestId('setup-result').textContent())
        .toMatch(/rvm-credentials\.json is not JSON/);
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
    await page.getByTestId('setup-tech-name').fill('Rina');
    await page.getByTestId('setup-pin').fill(PIN);
    await page.getByTestId('setup-pin2').fill(PIN);
    await page.screenshot({ path: join(RESULTS_DIR, `setup-${profile}.png`) });
    const exited = new Promise<number | null>((r) => kiosk.process.once('exit', (code) => r(code)));
    await page.getByTestId('setup-finish').click();
    await expect
      .poll(() => page.getByTestId('setup-result').textContent())
      .toMatch(/Setup saved\. The kiosk is restarting/);
    expect(await exited).toBe(75); // EX_TEMPFAIL: the service manager starts it again

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
