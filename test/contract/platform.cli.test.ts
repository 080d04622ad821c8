import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPlatformCli } from '../../src-main/platform/platform.cli';
import { PlatformDouble } from '../platform-double/double';
import { tempDir } from '../support/test-core';

describe('npm run platform', () => {
  let double: PlatformDouble;
  let dir: string;
  let cleanup: () => void;
  beforeEach(async () => {
    double = await new PlatformDouble().start();
    ({ dir, cleanup } = tempDir('rvm-platform-cli-'));
  });
  afterEach(async () => {
    cleanup();
    await double.close();
  });

  async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
    const lines: string[] = [];
    const code = await runPlatformCli(argv, (l) => lines.push(l), { RVM_DATA_DIR: dir, ...env });
    return { code, text: lines.join('\n') };
  }

  function writeCredentials(path: string, apiKey = double.o.apiKey) {
    const body = { serial_number: double.o.serial, api_key: apiKey, name: 'CLI RVM', generated_at: '2026-11-01' };
    writeFileSync(path, JSON.stringify(body));
  }

  it('imports credentials with mode 0600, and refuses a broken file without writing anything', async () => {
    const usb = join(dir, 'usb-credentials.json');
    writeFileSync(usb, '{"serial_number": "X", "api_key": "short"');
    const bad = await run(['import', usb]);
    expect(bad.code).toBe(1);
    expect(bad.text).toContain('is not JSON');
    expect(existsSync(join(dir, 'rvm-credentials.json'))).toBe(false);

    writeCredentials(usb);
    const good = await run(['import', usb]);
    expect(good.code).toBe(0);
    expect(good.text).toContain(`imported credentials for machine ${double.o.serial}`);
    expect(good.text).not.toContain(double.o.apiKey);
    expect(statSync(join(dir, 'rvm-credentials.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'rvm-credentials.json'), 'utf8')).api_key).toBe(double.o.apiKey);
  });

  it('check (v1): handshake, heartbeat, QR code and live events all reported working', async () => {
    writeCredentials(join(dir, 'rvm-credentials.json'));
    const { code, text } = await run(['check'], {
      RVM_PLATFORM__PROFILE: 'v1',
      RVM_PLATFORM__BASE_URL: double.url,
      RVM_PLATFORM__LIVE__KEY: double.o.pusherKey,
    });
    expect(text.split('\n')).toEqual([
      `MyRVM v1 at ${double.url}`,
      `✓ credentials: ${join(dir, 'rvm-credentials.json')}`,
      '✓ handshake: accepted',
      '✓ heartbeat: accepted',
      expect.stringMatching(/^✓ QR login code: issued \(expires 20\d\d-/),
      `✓ live events: subscribed to rvm.${double.rvmUuid} at ${double.url.replace('http:', 'ws:')}`,
    ]);
    expect(code).toBe(0);
    expect(text).not.toContain(double.o.apiKey);
  });

  it('check (v2) with --config: a wrong password fails with what to do', async () => {
    const file = join(dir, 'candidate.json');
    const config = (password: string) => ({
      platform: {
        profile: 'v2',
        baseUrl: double.url,
        v2: { rvmId: double.o.rvmId, email: double.o.email, password },
      },
    });
    writeFileSync(file, JSON.stringify(config(double.o.password)));
    const ok = await run(['check', '--config', file]);
    expect(ok.text).toContain('✓ login, machine claim, timezone: accepted');
    expect(ok.text).toContain('✓ metrics: accepted');
    expect(ok.text).toContain('✓ machine status on the platform: Double RVM is "active"');
    expect(ok.text).toContain('- live events: not configured');
    expect(ok.code).toBe(0);

    writeFileSync(file, JSON.stringify(config('not-the-password')));
    const refused = await run(['check', '--config', file]);
    expect(refused.code).toBe(1);
    expect(refused.text).toContain(
      '✗ login, machine claim, timezone: POST /api/v2/auth/login: 401 Invalid credentials',
    );
    expect(refused.text).toContain('check or re-import them');
    expect(refused.text).not.toContain('not-the-password');
  });

  it('check names the problem: no server, no credentials, a bad config, no platform', async () => {
    writeCredentials(join(dir, 'rvm-credentials.json'));
    double.faults.down = true;
    const down = await run(['check'], { RVM_PLATFORM__PROFILE: 'v1', RVM_PLATFORM__BASE_URL: double.url });
    expect(down.code).toBe(1);
    expect(down.text).toMatch(/✗ handshake: .*is platform.baseUrl right/);

    const missing = await run(['check'], {
      RVM_PLATFORM__PROFILE: 'v1',
      RVM_PLATFORM__V1__CREDENTIALS_FILE: join(dir, 'nowhere.json'),
    });
    expect([missing.code, missing.text]).toEqual([
      1,
      expect.stringContaining('✗ credentials: no platform credentials'),
    ]);

    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify({ platform: { profile: 'v3' } }));
    const broken = await run(['check', '--config', file]);
    expect([broken.code, broken.text]).toEqual([1, expect.stringContaining('platform.profile')]);

    expect((await run(['check'])).code).toBe(1);
    expect((await run(['frobnicate'])).code).toBe(2);
  });
});
