import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildApi, contract } from '../../src-preload/contract';
import { createWsTransport } from '../../src-renderer/transport/ws-transport';
import { TECHNICIAN } from '../support/technician';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = 'test-results';

/** Starts the built headless kiosk (`dist/main/headless.js`) as its own process, as `npm run serve` does. */
/**
 * config.json of a demo kiosk in `dataDir`: points priced in money (no platform to publish a rate), the
 * test technician, and a stand-in for /media (`<dataDir>/media`) to export to; `deposit` adds to it.
 */
export function writeDemoConfig(dataDir: string, deposit: Record<string, unknown> = {}): void {
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({
      deposit: { pointValue: { amount: 10, currency: 'IDR' }, ...deposit },
      maintenance: {
        technicians: [{ name: TECHNICIAN.name, pinHash: TECHNICIAN.pinHash }],
        exportRoots: [join(dataDir, 'media')],
      },
    }),
  );
}

export async function startHeadlessKiosk(
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; process: ChildProcess; output(): string; stop(): Promise<void> }> {
  if (!existsSync('dist/main/headless.js') || !existsSync('dist/renderer/index.html')) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does) before the e2e tests');
  }
  const child = spawn(process.execPath, ['dist/main/headless.js'], {
    // A machine that has been set up, unless the test is about first-boot setup.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, RVM_REMOTE__PORT: '0', RVM_SETUP__ENABLED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kiosk did not listen within 15 s:\n${output}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /RVM_LISTENING (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`kiosk exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Ends whatever session the kiosk is in (cancel, then done), so a test starts at the attract screen. */
export async function resetSession(kioskUrl: string): Promise<void> {
  const transport = createWsTransport(`${kioskUrl.replace('http', 'ws')}ws`);
  try {
    const api = buildApi(contract, transport);
    await api.deposit.cancel();
    await api.deposit.done();
  } finally {
    transport.close();
  }
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A 1280×800 page on the kiosk's screen, page errors printed. */
export async function openKioskPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(url);
  return page;
}

/** The customer's view of the kiosk, in words a test script reads like a person would act. */
export function kioskUi(page: Page) {
  return {
    async expectScreen(name: string) {
      await page.locator(`[data-screen="${name}"]`).waitFor();
    },
    async expectMachineName(name: string) {
      await expect.poll(() => page.getByTestId('machine-name').textContent()).toBe(name);
    },
    /** The link's technical state (data-indicator); customers read only ready / unavailable. */
    async expectIndicator(state: 'online' | 'degraded' | 'offline' | 'connecting') {
      await page.locator(`[data-indicator="${state}"]`).waitFor({ timeout: 10_000 });
    },
    /** The toggle reads the other language's name: English on an Indonesian screen, and back. */
    async tapLanguageToggle() {
      await page.getByTestId('language-toggle').click();
    },
    heading: () => page.getByRole('heading', { level: 1 }).textContent(),
    async tapStart() {
      await page.getByRole('button', { name: /^(Mulai|Start)$/ }).click();
    },
    /** The content of the member code on the identify screen (what the phone scans). */
    async qrContent(): Promise<string> {
      const qr = page.locator('svg.qr[data-qr]');
      await qr.waitFor({ timeout: 15_000 });
      return (await qr.getAttribute('data-qr'))!;
    },
    /** Without an account, one tap: donate the points, take a voucher, or just recycle (guest). */
    async continueWithout(choice: 'donation' | 'voucher' | 'guest') {
      const name = { donation: /^(Donasikan poin|Donate the points)/, voucher: /^(Ambil voucher|Take a voucher)/ };
      await page
        .getByRole('button', { name: choice === 'guest' ? /^(Daur ulang saja|Just recycle)/ : name[choice] })
        .click();
    },
    async expectAcceptedCount(atLeast: number, timeout = 30_000) {
      await expect
        .poll(async () => Number(await page.getByTestId('accepted-count').textContent()), { timeout })
        .toBeGreaterThanOrEqual(atLeast);
    },
    /** Waits for an item card; resolves to its text. */
    async expectItemCard(accepted: boolean, timeout = 30_000): Promise<string> {
      const card = page.locator(`[data-testid="item-card"][data-accepted="${accepted}"]`);
      await card.waitFor({ timeout });
      return (await card.textContent()) ?? '';
    },
    async expectLiveView() {
      await page.locator('canvas.live-view__canvas[data-has-frame="true"]').waitFor({ timeout: 15_000 });
    },
    async tapFinish() {
      await page.getByRole('button', { name: /^(Selesai|Finish)$/ }).click();
    },
    async receiptText(): Promise<string> {
      await page.locator('[data-screen="receipt"]').waitFor({ timeout: 15_000 });
      return (await page.locator('[data-screen="receipt"]').textContent()) ?? '';
    },
    async tapDone() {
      await page.getByRole('button', { name: /^(Selesai|Done)$/ }).click();
    },
    async screenshot(name: string) {
      mkdirSync(RESULTS_DIR, { recursive: true });
      await page.screenshot({ path: `${RESULTS_DIR}/${name}.png` });
    },
  };
}

/** The technician's view: the hidden way in, the PIN pad and the maintenance tabs. */
export function maintenanceUi(page: Page) {
  return {
    /** Holds a finger on the top-left corner until the PIN pad opens. */
    async longPressCorner(ms = 2300) {
      await page.mouse.move(30, 30);
      await page.mouse.down();
      await page.waitForTimeout(ms);
      await page.mouse.up();
    },
    async expectPinPad() {
      await page.getByTestId('pin-pad').waitFor();
    },
    async enterPin(pin: string) {
      for (const digit of pin)
        await page.getByTestId('pin-pad').getByRole('button', { name: digit, exact: true }).click();
    },
    pinMessage: () => page.getByTestId('pin-pad').getByRole('status').textContent(),
    async expectMaintenance() {
      await page.locator('[data-screen="maintenance"]').waitFor({ timeout: 10_000 });
    },
    async openTab(name: RegExp) {
      await page.getByRole('tab', { name }).click();
    },
    /** How many samples the dashboard's charts hold now. */
    async chartSamples(): Promise<number> {
      return Number(await page.getByTestId('dashboard').getAttribute('data-samples'));
    },
    tile: (metric: string) => page.locator(`.tile[data-metric="${metric}"] .tile__value`).textContent(),
    async tap(name: RegExp) {
      await page.getByRole('button', { name }).click();
    },
    outcome: () => page.getByTestId('outcome').textContent(),
    alert: (rule: string) => page.locator(`.alert[data-rule="${rule}"][data-state="active"]`),
    async exit() {
      await page.getByRole('button', { name: /Exit maintenance|Keluar dari perawatan/ }).click();
    },
  };
}
