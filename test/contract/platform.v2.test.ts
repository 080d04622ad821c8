import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ItemVerdict } from '../../src-preload/contract';
import type { DepositService } from '../../src-main/deposit/deposit.service';
import { SimulatedHardware } from '../../src-main/hardware/hardware';
import { PlatformDouble } from '../platform-double/double';
import { FakeClock } from '../support/fake-clock';
import { callAs, makeTestCore } from '../support/test-core';
import { TECHNICIAN, technicianEnv } from '../support/technician';
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
    const t = makeTestCore({ ...v2Env(double), ...env }, { hardware: new SimulatedHardware(10_000) });
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
    // Each frame uploaded once (field `file`) and its detection result pointing at it.
    expect(double.uploads.map((u) => u.type)).toEqual(['image/jpeg', 'image/jpeg', 'image/jpeg']);
    expect(double.detections).toEqual(
      double.uploads.map((u, i) =>
        expect.objectContaining({
          rvm_id: double.o.rvmId,
          image_path: u.path,
          status: 'completed',
          detections: [
            expect.objectContaining({ class: `${['pet', 'aluminium', 'pet'][i]}_item`, bbox: [0, 0, 50, 50] }),
          ],
        }),
      ),
    );
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
    // The first authenticated request of the delivery (the frame upload) met the 401; nothing repeated.
    const statuses = (path: string) => double.log.filter((r) => r.path === path).map((r) => r.status);
    expect(statuses('/api/v2/upload')).toEqual([401, 200]);
    expect(statuses('/api/v2/deposits')).toEqual([201]);
    expect(double.log.filter((r) => r.path === '/api/v2/auth/login')).toHaveLength(2);
  });

  it('quarantines a deposit the platform can never take, with the reason, and keeps the rest flowing', async () => {
    double = await new PlatformDouble().start();
    const { core } = v2Core();
    core.start();
    const service = core.deposit.service!;
    await guestSession(service, ['tetra']);
    service.done();
    await guestSession(service, ['pet'], false);
    await waitFor('the other session to be delivered', () => double.v2Deposits.size === 1);
    await waitFor('the quarantine', () => core.platform.status().backlog.quarantined === 1);
    const [job] = core.store.repos!.outbox.list('quarantined');
    expect(job!.lastError).toMatch(/material "tetra" has no v2 waste type: map it in platform.v2.wasteTypes/);
  });

  it('a technician retries or discards a quarantined delivery through the contract, audited', async () => {
    double = await new PlatformDouble().start();
    const { core, dir } = v2Core(technicianEnv());
    core.start();
    const service = core.deposit.service!;
    await guestSession(service, ['tetra']);
    await waitFor('the quarantine', () => core.platform.status().backlog.quarantined === 1);
    const call = callAs(core);
    // Technicians only: nothing without the PIN.
    expect(await call('platform.quarantine')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await call('maintenance.unlock', { pin: TECHNICIAN.pin })).toMatchObject({
      ok: true,
      value: { granted: true },
    });

    const listed = await call('platform.quarantine');
    expect(listed).toMatchObject({
      ok: true,
      value: [{ kind: 'deposit.item', sessionId: service.snapshot().sessionId, attempts: 1 }],
    });
    const id = (listed as { value: Array<{ id: number }> }).value[0]!.id;
    // The session's own job waits behind the quarantined item (order within a session).
    expect(core.platform.status().backlog.count).toBe(1);

    expect(await call('platform.discard', { id, reason: '' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await call('platform.retry', { id })).toMatchObject({ ok: true });
    await waitFor('the second quarantine', () => core.store.repos!.outbox.get(id)!.status === 'quarantined');
    expect(core.store.repos!.outbox.get(id)!.attempts).toBe(2);

    expect(await call('platform.discard', { id, reason: 'tetra packs are not taken by the platform' })).toMatchObject({
      ok: true,
      value: { backlog: { quarantined: 0 } },
    });
    await waitFor('the session job behind it', () => core.platform.status().backlog.count === 0);
    expect(await call('platform.discard', { id, reason: 'again' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    const db = new Database(join(dir, 'rvm.db'), { readonly: true });
    const audit = db
      .prepare(`SELECT actor, action, detail FROM audit_log WHERE action LIKE 'outbox.%' ORDER BY id`)
      .all() as Array<{
      actor: string;
      action: string;
      detail: string;
    }>;
    db.close();
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ['Agus', 'outbox.retry'],
      ['Agus', 'outbox.discard'],
    ]);
    expect(JSON.parse(audit[1]!.detail)).toMatchObject({
      job: id,
      kind: 'deposit.item',
      reason: 'tetra packs are not taken by the platform',
      lastError: expect.stringContaining('platform.v2.wasteTypes'),
    });
  });

  it('syncs the timezone at start and again after a day', async () => {
    double = await new PlatformDouble().start();
    const clock = new FakeClock(Date.now());
    const t = makeTestCore({ ...v2Env(double), RVM_HEARTBEAT__INTERVAL_MS: '60000' }, { clock });
    dispose = t.dispose;
    t.core.start();
    await waitFor('the first sync', () => double.timezoneSyncs.length === 1);
    clock.advance(30_000);
    await waitFor('a metrics heartbeat', () => double.metrics.length === 1);
    expect(double.timezoneSyncs).toHaveLength(1);
    clock.advance(24 * 3600_000);
    await waitFor('the daily sync', () => double.timezoneSyncs.length === 2);
    expect(double.timezoneSyncs[1]).toMatchObject({ sync_method: 'automatic', timezone: 'Asia/Jakarta' });
  });

  it('registers the processing engine once across restarts (then pings it) when configured', async () => {
    double = await new PlatformDouble().start();
    const env = {
      RVM_PLATFORM__V2__PROCESSING_ENGINE__REGISTER: 'true',
      RVM_PLATFORM__V2__PROCESSING_ENGINE__SERVER_ADDRESS: '10.1.2.3',
    };
    const first = v2Core(env);
    first.core.start();
    await waitFor('the registration', () => double.engines.size === 1);
    // The engine id is saved just after the platform answers: wait for the file, not only the request.
    await waitFor('the saved engine id', () => existsSync(join(first.dir, 'platform-state.json')));
    const state = JSON.parse(readFileSync(join(first.dir, 'platform-state.json'), 'utf8')) as { engineId: number };
    expect(double.engines.get(state.engineId)).toMatchObject({
      body: { server_address: '10.1.2.3', type: 'jetson_edge' },
    });
    first.core.stop();
    // Same data folder, new process: a ping, not a second engine.
    const again = makeTestCore(
      { ...v2Env(double), ...env },
      { prepare: (d) => writeFileSync(join(d, 'platform-state.json'), JSON.stringify(state)) },
    );
    dispose = () => {
      first.dispose();
      again.dispose();
    };
    again.core.start();
    await waitFor('the ping', () => double.engines.get(state.engineId)!.pings === 1);
    expect(double.engines.size).toBe(1);
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
    const [job] = core.store.repos!.outbox.list('quarantined');
    expect(job!.lastError).toMatch(/422 .*weight: The weight field must be at least 0\.001\./);
    expect(job!.lastError).toContain('"errors"'); // the answer is kept for the technician
  });
});

function v2Env(double: PlatformDouble): NodeJS.ProcessEnv {
  return {
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
  };
}

/** A guest session with one verdict per material; finished unless told otherwise. */
async function guestSession(service: DepositService, materials: string[], finish = true): Promise<void> {
  service.start();
  service.identify({ kind: 'guest' });
  for (const material of materials) {
    await service.acceptVerdict(verdict(material));
    service.chamberCleared();
  }
  if (finish) service.finish();
}
