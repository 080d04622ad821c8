import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { bootstrap } from './bootstrap';

const original = process.env.TZ;
const cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.splice(0).forEach((c) => c());
  if (original === undefined) delete process.env.TZ;
  else process.env.TZ = original;
});

describe('the machine’s time zone', () => {
  it('applies to every local time in the kiosk process (log lines, daily caps, receipts)', () => {
    const t = tempDir('rvm-tz-');
    cleanups.push(() => t.cleanup());
    const booted = bootstrap(
      { runtime: 'headless', electronVersion: null },
      {
        RVM_MACHINE__TIME_ZONE: 'Asia/Jayapura',
        RVM_VISION__ENABLED: 'false',
        RVM_SETUP__ENABLED: 'false',
      },
      t.dir,
    );
    cleanups.push(() => booted.core.stop());
    expect(process.env.TZ).toBe('Asia/Jayapura');
    // 10:05 UTC is 19:05 on the machine's wall clock.
    expect(new Date(Date.UTC(2026, 10, 30, 10, 5)).getHours()).toBe(19);
  });

  it('leaves the system’s zone alone when none is configured', () => {
    process.env.TZ = 'UTC';
    const t = tempDir('rvm-tz-');
    cleanups.push(() => t.cleanup());
    const booted = bootstrap(
      { runtime: 'headless', electronVersion: null },
      {
        RVM_VISION__ENABLED: 'false',
        RVM_SETUP__ENABLED: 'false',
      },
      t.dir,
    );
    cleanups.push(() => booted.core.stop());
    expect(process.env.TZ).toBe('UTC');
  });
});
