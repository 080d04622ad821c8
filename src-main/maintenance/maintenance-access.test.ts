import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock';
import { TECHNICIAN } from '../../test/support/technician';
import { createLogger } from '../log/logger';
import type { PinResult } from '../platform/profile';
import { MaintenanceAccess, type KeyValue } from './maintenance-access';

const memoryKv = (): KeyValue & { map: Map<string, string> } => {
  const map = new Map<string, string>();
  return { map, getValue: (k) => map.get(k), setValue: (k, v) => void map.set(k, v) };
};

function access(options: { platformPin?: (pin: string) => Promise<PinResult> } = {}) {
  const clock = new FakeClock();
  const kv = memoryKv();
  const audit: string[] = [];
  const a = new MaintenanceAccess({
    config: {
      technicians: [{ name: TECHNICIAN.name, pinHash: TECHNICIAN.pinHash, permissions: ['view_status'] }],
      lockout: { attempts: 5, minutes: 15 },
      idleMinutes: 5,
      exportRoots: [],
    } as never,
    clock,
    logger: createLogger({ level: 'error', maxFileMb: 1, console: false }),
    kv,
    audit: (e) => audit.push(e.result),
    platformPin: options.platformPin,
    onChanged: () => {},
  });
  return { a, clock, kv, audit };
}

describe('MaintenanceAccess lockout', () => {
  it('counts attempts before the slow check: 40 at once make 5 comparisons and lock the pad', async () => {
    const { a, audit } = access();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => a.unlock(`screen-${i % 4}`, '000000')));
    expect(audit.filter((r) => r.startsWith('refused: wrong PIN'))).toHaveLength(5);
    expect(audit.filter((r) => r === 'refused: pad locked')).toHaveLength(35);
    expect(results.every((r) => !r.granted)).toBe(true);
    expect(a.pad()).toMatchObject({ remainingAttempts: 0, lockedUntil: expect.any(Number) });
    // The right PIN waits for the lock too.
    expect(await a.unlock('screen-0', TECHNICIAN.pin)).toMatchObject({ granted: false, reason: 'locked' });
  });

  it('opens again after the lock, with fresh attempts; a right PIN resets the count', async () => {
    const { a, clock } = access();
    for (let i = 0; i < 5; i++) await a.unlock('s', '000000');
    clock.advance(15 * 60_000 + 1);
    expect(a.pad()).toMatchObject({ lockedUntil: null, remainingAttempts: 5 });
    await a.unlock('s', '000000');
    expect(a.pad().remainingAttempts).toBe(4);
    expect(await a.unlock('s', TECHNICIAN.pin)).toMatchObject({ granted: true });
    expect(a.pad().remainingAttempts).toBe(5);
  });

  it('a shorter lock from the platform never shortens the pad lock already set', async () => {
    let calls = 0;
    const { a, clock } = access({
      // The platform calls the first four wrong and locks the technician for 60 s at the fifth.
      platformPin: async () =>
        (++calls < 5
          ? { ok: false, reason: 'wrong_pin' }
          : { ok: false, reason: 'locked', retryAfterS: 60 }) as PinResult,
    });
    for (let i = 0; i < 5; i++) await a.unlock('s', '000000');
    expect(calls).toBe(5);
    expect(a.pad().lockedUntil).toBe(clock.now() + 15 * 60_000);
  });

  it('a damaged lockout record counts as no failures', () => {
    const { a, kv } = access();
    kv.setValue('pin.lockout', '{"failures":"many","lockedUntil":"soon"}');
    expect(a.pad()).toMatchObject({ lockedUntil: null, remainingAttempts: 5 });
  });
});
