import { afterEach, describe, expect, it } from 'vitest';
import { callAs, makeTestCore } from '../../test/support/test-core';

const disposers: Array<() => void> = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));

describe('simulated items (npm run demo without a model)', () => {
  it('are refused on a real machine (deposit.demoItems off)', async () => {
    const t = makeTestCore();
    disposers.push(t.dispose);
    t.core.start();
    const call = callAs(t.core);
    expect(await call('deposit.catalogue')).toMatchObject({ ok: true, value: { demoItems: false } });
    await call('deposit.start');
    await call('deposit.identify', { kind: 'guest' });
    expect(await call('deposit.demoItem', { kind: 'bottle' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringContaining('deposit.demoItems') },
    });
    expect(t.core.deposit.service!.snapshot().totalPoints).toBe(0);
  });

  it('in demo mode go through the real deposit flow: a bottle and a can credited, anything else handed back', async () => {
    const t = makeTestCore({ RVM_DEPOSIT__DEMO_ITEMS: 'true' });
    disposers.push(t.dispose);
    t.core.start();
    const call = callAs(t.core);
    expect(await call('deposit.catalogue')).toMatchObject({ ok: true, value: { demoItems: true } });
    await call('deposit.start');
    await call('deposit.identify', { kind: 'guest' });
    expect(await call('deposit.demoItem', { kind: 'bottle' })).toMatchObject({
      ok: true,
      value: { accepted: true, material: 'pet' },
    });
    expect(await call('deposit.demoItem', { kind: 'can' })).toMatchObject({
      ok: true,
      value: { accepted: true, material: 'aluminium' },
    });
    expect(await call('deposit.demoItem', { kind: 'other' })).toMatchObject({
      ok: true,
      value: { accepted: false, reason: 'unknown_item' },
    });
    expect(await call('deposit.finish')).toMatchObject({ ok: true, value: { state: 'receipt', acceptedCount: 2 } });
  });
});
