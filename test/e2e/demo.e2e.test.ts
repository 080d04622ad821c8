// `npm run demo` as a newcomer runs it (less its build step: the suite has built dist/ already, and a
// rebuild would pull dist/ from under the other tests): the printed URL gives a working deposit in
// Chromium, and Ctrl-C leaves nothing behind.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { kioskUi, launchChromium } from './kiosk-ui';

let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
});

describe('npm run demo', () => {
  it('prints a URL where a bottle is credited, a member can be claimed, and Ctrl-C stops everything', async () => {
    const demo = spawn(process.execPath, ['test/bench/run.mjs', 'scripts/demo/demo.ts', '--port', '0'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve));
    try {
      await expect.poll(() => /DEMO_READY (\S+)/.exec(output)?.[1], { timeout: 60_000, interval: 200 }).toBeTruthy();
      const url = /DEMO_READY (\S+)/.exec(output)![1]!;
      const pin = /PIN (\d{6})/.exec(output)?.[1];
      const dataDir = /data folder {3}(\S+)/.exec(output)?.[1];
      expect(pin).toMatch(/^\d{6}$/);
      expect(dataDir && existsSync(dataDir)).toBe(true);

      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(url);
      const ui = kioskUi(page);
      await ui.expectScreen('attract');
      await ui.tapStart();
      await ui.expectScreen('identify');
      // The phone claims the login code the screen shows, as a member would.
      await page.locator('[data-testid="qr-panel"] svg.qr').waitFor({ timeout: 30_000 });
      demo.stdin.write('claim\n');
      await expect.poll(() => output, { timeout: 15_000 }).toContain('claimed: the member is logged in');
      await ui.expectScreen('insert');
      await ui.expectAcceptedCount(1, 60_000);
      await ui.tapFinish();
      expect(await ui.receiptText()).toMatch(/[1-9]\d* poin/);

      demo.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(existsSync(dataDir!)).toBe(false);
    } finally {
      if (demo.exitCode === null) {
        demo.kill('SIGTERM');
        await exited;
      }
    }
  }, 150_000);
});
