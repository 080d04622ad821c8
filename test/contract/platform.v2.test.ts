import { afterEach, describe, expect, it } from 'vitest';
import type { ItemVerdict } from '../../src-preload/contract';
import { SimulatedHardware } from '../../src-main/hardware/hardware';
import { PlatformDouble } from '../platform-double/double';
import { makeTestCore } from '../support/test-core';
import { waitFor } from '../support/wait-for';

const verdict = (material: string): ItemVerdict => ({
  className: `${material}_item`,
  material,
  confidence: 0.9,
  accepted: true,
  reason: null,
  box: [0, 0, 50, 50],
});

describe('outbox delivery to the v2 platform', () => {
  let double: PlatformDouble;
  let dispose: () => void = () => undefined;
  afterEach(async () => {
    dispose();
    await double.close();
  });

  function v2Core(env: NodeJS.ProcessEnv = {}) {
    const t = makeTestCore(
      {
        RVM_PLATFORM__PROFILE: 'v2',
        RVM_PLATFORM__BASE_URL: double.url,
        RVM_PLATFORM__V2__RVM_ID: String(double.o.rvmId),
        RVM_PLATFORM__V2__EMAIL: double.o.email,
        RVM_PLATFORM__V2__PASSWORD: double.o.password,
        RVM_PLATFORM__V2__API_KEY: double.o.machineApiKey,
        RVM_PLATFORM__BACKOFF__BASE_MS: '50',
        RVM_PLATFORM__BACKOFF__MAX_MS: '1000',
        // A material the platform has no waste type for (see wasteTypes).
        RVM_DEPOSIT__MATERIALS: JSON.stringify({
          pet: { points: 10 },
          aluminium: { points: 15 },
          tetra: { points: 5 },
        }),
        ...env,
      },
      { hardware: new SimulatedHardware(10_000) },
    );
    dispose = t.dispose;
    return t;
  }

  it('logs in, claims the machine, syncs the timezone, then creates and completes each deposit once', async () => {
    double = await new PlatformDouble().start();
    const { core } = v2Core();
    core.start();
    await waitFor('the timezone sync', () => double.log.some((r) => r.path === '/api/v2/timezone/sync'));
    expect(double.log.map((r) => `${r.method} ${r.path} ${r.status}`).slice(0, 3)).toEqual([
      'POST /api/v2/auth/login 200',
      'POST /api/v2/rvm/self/claim 200',
      'POST /api/v2/timezone/sync 200',
    ]);
    const service = core.deposit.service!;
    service.start();
    service.identify({ kind: 'donation' });
    for (const m of ['pet', 'aluminium', 'pet']) {
      await service.acceptVerdict(verdict(m));
      service.chamberCleared();
    }
    service.finish();
    await waitFor('delivery', () => core.platform.status().backlog.count === 0);
    const deposits = [...double.v2Deposits.values()];
    expect(deposits.map((d) => [d.body.waste_type, d.status, d.reward])).toEqual([
      ['plastic', 'completed', 10],
      ['metal', 'completed', 15],
      ['plastic', 'completed', 10],
    ]);
    expect(deposits.every((d) => typeof d.body.image_data === 'string' && d.body.image_data.length > 100)).toBe(true);
  });

  it('logs in again once on 401 and delivers', async () => {
    double = await new PlatformDouble().start();
    const { core } = v2Core();
    core.start();
    await waitFor('the timezone sync', () =>
      double.log.some((r) => r.path === '/api/v2/timezone/sync' && r.status === 200),
    );
    double.revokeTokens();
    const service = core.deposit.service!;
    service.start();
    service.identify({ kind: 'guest' });
    await service.acceptVerdict(verdict('pet'));
    await waitFor(
      'delivery',
      () => double.v2Deposits.size === 1 && [...double.v2Deposits.values()][0]!.status === 'completed',
    );
    const statuses = double.log.filter((r) => r.path === '/api/v2/deposits').map((r) => r.status);
    expect(statuses).toEqual([401, 201]);
    expect(double.log.filter((r) => r.path === '/api/v2/auth/login')).toHaveLength(2);
  });

  it('quarantines a deposit the platform can never take, with the reason, and keeps the rest flowing', async () => {
    double = await new PlatformDouble().start();
    const { core } = v2Core();
    core.start();
    const service = core.deposit.service!;
    service.start();
    service.identify({ kind: 'guest' });
    await service.acceptVerdict(verdict('tetra'));
    service.chamberCleared();
    service.finish();
    service.done();
    service.start();
    service.identify({ kind: 'guest' });
    await service.acceptVerdict(verdict('pet'));
    await waitFor('the other session to be delivered', () => double.v2Deposits.size === 1);
    await waitFor('the quarantine', () => core.platform.status().backlog.quarantined === 1);
    const [job] = core.deposit.outbox!.list('quarantined');
    expect(job!.lastError).toMatch(/material "tetra" has no v2 waste type: map it in platform.v2.wasteTypes/);
  });

  it('a 422 is quarantined with Laravel\u2019s field messages', async () => {
    double = await new PlatformDouble().start();
    const { core } = v2Core({ RVM_DEPOSIT__MATERIALS: JSON.stringify({ pet: { points: 10 } }) });
    core.start();
    double.forceValidationError = { field: 'weight', message: 'The weight field must be at least 0.001.' };
    const service = core.deposit.service!;
    service.start();
    service.identify({ kind: 'guest' });
    await service.acceptVerdict(verdict('pet'));
    await waitFor('the quarantine', () => core.platform.status().backlog.quarantined === 1);
    const [job] = core.deposit.outbox!.list('quarantined');
    expect(job!.lastError).toMatch(/422 .*weight: The weight field must be at least 0\.001\./);
    expect(job!.lastError).toContain('"errors"'); // the answer is kept for the technician
  });
});
