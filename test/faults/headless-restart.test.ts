// `npm run serve` has no service manager behind it: when the platform (or setup, or a restore) asks for
// a restart, the headless kiosk starts its successor itself and stays in front of it, so the terminal
// keeps one kiosk that Ctrl-C still stops. Under systemd (INVOCATION_ID set) it exits 75 instead.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformDouble } from '../platform-double/double';
import { startHeadless, type HeadlessKiosk } from '../support/headless-process';
import { tempDir } from '../support/test-core';
import { waitFor } from '../support/wait-for';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function kioskAskedToRestart(
  extraEnv: NodeJS.ProcessEnv,
): Promise<{ kiosk: HeadlessKiosk; double: PlatformDouble }> {
  const double = await new PlatformDouble().start();
  cleanups.push(() => double.close());
  const t = tempDir('rvm-restart-');
  cleanups.push(t.cleanup);
  writeFileSync(
    join(t.dir, 'rvm-credentials.json'),
    JSON.stringify({ serial_number: double.o.serial, api_key: double.o.apiKey, name: 'Restart RVM' }),
    { mode: 0o600 },
  );
  const kiosk = await startHeadless(
    {
      RVM_PLATFORM__PROFILE: 'v1',
      RVM_PLATFORM__BASE_URL: double.url,
      RVM_PLATFORM__HEARTBEAT_S: '5',
      ...extraEnv,
    },
    { dir: t.dir },
  );
  cleanups.push(() => kiosk.stop());
  double.commands.push({ action: 'RESTART', timestamp: '' });
  return { kiosk, double };
}

describe('a restart asked for while running as `npm run serve`', () => {
  it('starts the successor itself; the first process stays in front and passes SIGTERM on', async () => {
    const { kiosk } = await kioskAskedToRestart({});
    await waitFor('the successor listening', () => kiosk.output().split('RVM_LISTENING').length === 3, 60_000);
    expect(kiosk.output()).toMatch(/restarting: the platform asked/);
    expect(kiosk.alive()).toBe(true);
    kiosk.child.kill('SIGTERM');
    expect(await kiosk.exited).toBe(0);
    // Both are gone: the successor ended on the SIGTERM passed on, and the first with its code.
    expect(kiosk.output().match(/SIGTERM: shutting down/g)).toHaveLength(1);
  }, 90_000);

  it('under systemd exits 75 for the service manager to start it again', async () => {
    const { kiosk } = await kioskAskedToRestart({ INVOCATION_ID: 'as-systemd' });
    expect(await kiosk.exited).toBe(75);
    expect(kiosk.output().split('RVM_LISTENING')).toHaveLength(2);
  }, 90_000);
});
