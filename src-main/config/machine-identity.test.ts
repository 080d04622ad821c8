import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { loadConfig } from './config.loader';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
const folder = () => {
  const t = tempDir('rvm-identity-');
  dirs.push(t);
  return t.dir;
};

describe('machine.id from provisioning', () => {
  it('is the v2 rvm id when config does not set one', () => {
    const env = {
      RVM_PLATFORM__PROFILE: 'v2',
      RVM_PLATFORM__V2__RVM_ID: '42',
      RVM_PLATFORM__V2__EMAIL: 'rvm42@example.com',
      RVM_PLATFORM__V2__PASSWORD: 'secret',
    };
    expect(loadConfig(folder(), env).config.machine.id).toBe('RVM-42');
  });

  it('is the v1 serial number from rvm-credentials.json, made a valid id', () => {
    const dir = folder();
    const credentials = { serial_number: 'rvm-2026/000123', api_key: 'a'.repeat(64), name: 'Sudirman 01' };
    writeFileSync(join(dir, 'rvm-credentials.json'), JSON.stringify(credentials));
    expect(loadConfig(dir, { RVM_PLATFORM__PROFILE: 'v1' }).config.machine.id).toBe('RVM-2026-000123');
  });

  it('is what config says when it says one, and RVM on an unprovisioned machine', () => {
    const dir = folder();
    writeFileSync(join(dir, 'rvm-credentials.json'), JSON.stringify({ serial_number: 'SN-1' }));
    expect(loadConfig(dir, { RVM_PLATFORM__PROFILE: 'v1', RVM_MACHINE__ID: 'SHOP-7' }).config.machine.id).toBe(
      'SHOP-7',
    );
    expect(loadConfig(folder(), {}).config.machine.id).toBe('RVM');
    // Unreadable credentials are the platform's problem to report, not a start-up failure.
    const broken = folder();
    writeFileSync(join(broken, 'rvm-credentials.json'), '{not json');
    expect(loadConfig(broken, { RVM_PLATFORM__PROFILE: 'v1' }).config.machine.id).toBe('RVM');
  });
});
