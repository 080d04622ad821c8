// `npm run demo` as a newcomer runs it (less its build step: the suite has built dist/ already, and a
// rebuild would pull dist/ from under the other tests): the printed URL gives a working deposit in
// Chromium, and Ctrl-C leaves nothing behind.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { kioskUi, launchChromium } from './kiosk-ui';

let browser: Browser | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
afterAll(async () => {
  await browser?.close();
});

/** The demo as `npm run demo -- <args>` runs it, less the build; resolves once it prints its URL. */
async function startDemo(...args: string[]) {
  const demo = spawn(process.execPath, ['test/bench/run.mjs', 'scripts/demo/demo.ts', '--port', '0', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve));
  cleanups.push(async () => {
    if (demo.exitCode === null) {
      demo.kill('SIGTERM');
      await exited;
    }
  });
  await expect.poll(() => /DEMO_READY (\S+)/.exec(output)?.[1], { timeout: 60_000, interval: 200 }).toBeTruthy();
  return {
    demo,
    exited,
    output: () => output,
    url: /DEMO_READY (\S+)/.exec(output)![1]!,
    dataDir: /data folder {3}(\S+)/.exec(output)?.[1],
  };
}

async function openKiosk(url: string) {
  browser ??= await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  const ui = kioskUi(page);
  await ui.expectScreen('attract');
  return { page, ui };
}

describe('npm run demo', () => {
  it('prints a URL where a bottle is credited, a member can be claimed, and Ctrl-C stops everything', async () => {
    const run = await startDemo();
    expect(run.output()).toMatch(/PIN \d{6}/);
    expect(run.dataDir && existsSync(run.dataDir)).toBe(true);
    const { page, ui } = await openKiosk(run.url);
    await ui.tapStart();
    await ui.expectScreen('identify');
    // The phone claims the login code the screen shows, as a member would.
    await page.locator('[data-testid="qr-panel"] svg.qr').waitFor({ timeout: 30_000 });
    run.demo.stdin.write('claim\n');
    await expect.poll(run.output, { timeout: 15_000 }).toContain('claimed: the member is logged in');
    await ui.expectScreen('insert');
    await ui.expectAcceptedCount(1, 60_000);
    await ui.tapFinish();
    expect(await ui.receiptText()).toMatch(/[1-9]\d* poin/);
    run.demo.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(existsSync(run.dataDir!)).toBe(false);
  }, 150_000);

  it('with no model at hand, labelled demo buttons put in simulated items through the same flow', async () => {
    const run = await startDemo('--simulated');
    expect(run.output()).toMatch(/simulated items/);
    const { page, ui } = await openKiosk(run.url);
    await ui.tapStart();
    await ui.continueWithout('donation');
    await ui.expectScreen('insert');
    await page.getByTestId('demo-items').waitFor();
    await page.getByTestId('demo-bottle').click();
    await ui.expectAcceptedCount(1);
    await page.getByTestId('demo-can').click();
    await ui.expectAcceptedCount(2);
    await page.getByTestId('demo-other').click();
    await expect.poll(() => page.getByTestId('item-card').getAttribute('data-accepted')).toBe('false');
    await ui.tapFinish();
    expect(await ui.receiptText()).toMatch(/[1-9]\d* poin/);
  }, 150_000);
});
