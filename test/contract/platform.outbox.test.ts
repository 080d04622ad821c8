import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KioskCore } from '../../src-main/core/kiosk-core';
import { SimulatedHardware } from '../../src-main/hardware/hardware';
import { openStore } from '../../src-main/store/database';
import { PlatformDouble } from '../platform-double/double';
import { makeTestCore } from '../support/test-core';
import { waitFor } from '../support/wait-for';
import { pet } from './platform-fixtures';

/** Runs `sessions` guest sessions of `items` accepted PET bottles each through the real deposit service. */
async function deposit(core: KioskCore, sessions: number, items: number): Promise<string[]> {
  const service = core.deposit.service!;
  const ids: string[] = [];
  for (let s = 0; s < sessions; s++) {
    service.start();
    service.identify({ kind: 'guest' });
    for (let i = 0; i < items; i++) {
      ids.push((await service.acceptVerdict(pet())).itemId);
      service.chamberCleared();
    }
    service.finish();
    service.done();
  }
  return ids;
}

function v1Core(
  double: PlatformDouble,
  env: NodeJS.ProcessEnv = {},
  restart?: () => void,
  prepare?: (dir: string) => void,
) {
  return makeTestCore(
    {
      RVM_PLATFORM__PROFILE: 'v1',
      RVM_PLATFORM__BASE_URL: double.url,
      RVM_PLATFORM__BACKOFF__BASE_MS: '50',
      RVM_PLATFORM__BACKOFF__MAX_MS: '1000',
      RVM_PLATFORM__HEARTBEAT_S: '5',
      RVM_PLATFORM__TIMEOUT_MS: '2000',
      ...env,
    },
    {
      // A bin that holds the whole test run.
      hardware: new SimulatedHardware(100_000),
      ...(restart ? { restart } : {}),
      prepare: (dir) => {
        writeFileSync(
          join(dir, 'rvm-credentials.json'),
          JSON.stringify({
            serial_number: double.o.serial,
            api_key: double.o.apiKey,
            name: 'Test RVM',
            generated_at: '2026-11-01',
          }),
        );
        prepare?.(dir);
      },
    },
  );
}

const keysOf = (double: PlatformDouble) => double.deposits.map((d) => d.key);

describe('outbox delivery to the v1 platform', () => {
  let double: PlatformDouble;
  let dispose: () => void = () => undefined;
  afterEach(async () => {
    dispose();
    await double.close();
  });

  it('an outage: 1,000 items in 100 sessions are kept locally, then reach the platform exactly once', async () => {
    double = await new PlatformDouble().start();
    double.faults.down = true;
    const t = v1Core(double);
    dispose = t.dispose;
    t.core.start();
    const items = await deposit(t.core, 100, 10);
    const status = t.core.platform.status();
    expect(status.state).toBe('offline');
    expect(status.backlog.count).toBe(1100); // 1,000 items + 100 sessions
    expect(double.deposits).toHaveLength(0);

    double.faults.down = false;
    await waitFor('the backlog to drain', () => t.core.platform.status().backlog.count === 0, 60_000);
    expect(t.core.platform.status()).toMatchObject({ state: 'online', backlog: { count: 0, quarantined: 0 } });
    expect(double.deposits).toHaveLength(1000);
    expect(new Set(keysOf(double))).toEqual(new Set(items.map((id) => `item:${id}`)));
    // The key also travels inside `data`, for a server that deduplicates on the body.
    const bodies = double.deposits.map((d) => (d.body as { data: { idempotency_key: string } }).data.idempotency_key);
    expect(bodies).toEqual(keysOf(double));
    expect(double.syncs).toHaveLength(100);
    const credited = double.syncs.flatMap(
      (s) => (s.body as { transactions: Array<{ items: Array<{ points: number }> }> }).transactions,
    );
    expect(credited.flatMap((tx) => tx.items).reduce((n, i) => n + i.points, 0)).toBe(1000 * 10);
  }, 90_000);

  it('10 % of requests processed and then cut off still arrive exactly once', async () => {
    double = await new PlatformDouble({ seed: 7 }).start();
    double.faults.dropAfterProcessing = 0.1;
    const t = v1Core(double);
    dispose = t.dispose;
    t.core.start();
    const items = await deposit(t.core, 20, 5);
    await waitFor('the backlog to drain', () => t.core.platform.status().backlog.count === 0, 60_000);
    expect(double.log.filter((r) => r.status === 'dropped').length).toBeGreaterThan(5);
    expect(double.deposits).toHaveLength(100);
    expect(new Set(keysOf(double)).size).toBe(100);
    expect(new Set(keysOf(double))).toEqual(new Set(items.map((id) => `item:${id}`)));
    expect(new Set(double.syncs.map((s) => s.key)).size).toBe(20);
    expect(double.syncs).toHaveLength(20);
  }, 90_000);

  it('honours 429 Retry-After and delivers afterwards', async () => {
    double = await new PlatformDouble().start();
    const t = v1Core(double);
    dispose = t.dispose;
    t.core.start();
    await waitFor('the handshake', () => t.core.platform.status().state === 'online', 10_000);
    double.faults.rateLimit = 1;
    double.faults.retryAfterS = 2;
    const [item] = await deposit(t.core, 1, 1);
    await waitFor('a 429', () => double.log.some((r) => r.status === 429), 5000);
    const refusedAt = Date.now();
    double.faults.rateLimit = 0;
    await waitFor('the delivery', () => double.deposits.length === 1, 10_000);
    const delivered = double.log.find((r) => r.path === '/api/v1/edge/deposit' && r.status === 201);
    expect(delivered).toBeDefined();
    // Not before the server's 2 s (the back-off alone would have retried within 50–100 ms).
    expect(Date.now() - refusedAt).toBeGreaterThan(1500);
    expect(double.deposits[0]!.key).toBe(`item:${item}`);
  }, 30_000);

  it('refused credentials: nothing is lost, the link says why, nothing is quarantined', async () => {
    double = await new PlatformDouble().start();
    const t = makeTestCore(
      { RVM_PLATFORM__PROFILE: 'v1', RVM_PLATFORM__BASE_URL: double.url, RVM_PLATFORM__HEARTBEAT_S: '5' },
      {
        prepare: (dir) =>
          writeFileSync(
            join(dir, 'rvm-credentials.json'),
            JSON.stringify({ serial_number: 'X', api_key: 'z'.repeat(64), name: 'Wrong key' }),
          ),
      },
    );
    dispose = t.dispose;
    t.core.start();
    await deposit(t.core, 1, 2);
    await waitFor('a refused handshake', () => double.log.some((r) => r.status === 401), 5000);
    const status = t.core.platform.status();
    expect(status.state).toBe('degraded');
    expect(status.lastError).toMatch(/401 Invalid API key/);
    expect(status.lastError).not.toContain('z'.repeat(64));
    expect(status.backlog).toMatchObject({ count: 3, quarantined: 0 });
    expect(double.deposits).toHaveLength(0);
  });

  it('RESTART from the heartbeat waits for the customer to finish; other commands are refused', async () => {
    double = await new PlatformDouble().start();
    let restarts = 0;
    const t = v1Core(double, {}, () => restarts++);
    dispose = t.dispose;
    t.core.start();
    await waitFor('the handshake', () => t.core.platform.status().state === 'online');
    const service = t.core.deposit.service!;
    service.start();
    service.identify({ kind: 'guest' });
    double.command('GIT_PULL');
    double.command('RESTART');
    await waitFor('the heartbeat that carries them', () => double.commands.length === 0, 8000);
    await waitFor('the restart, held for the customer', () => t.core.platform.commandsWaiting === 1, 8000);
    expect(restarts).toBe(0);
    service.finish();
    expect(restarts).toBe(0); // the receipt is still on screen
    service.done();
    await waitFor('the restart', () => restarts === 1);
    service.start();
    service.cancel();
    expect(restarts).toBe(1);
  });

  it('jobs in the database that do not parse are quarantined with the reason; the rest are delivered', async () => {
    double = await new PlatformDouble().start();
    // A database in the field with rows no version of this kiosk can deliver, queued before the start.
    const t = v1Core(double, {}, undefined, (dir) => {
      const { db } = openStore(join(dir, 'rvm.db'));
      const insert = db.prepare(
        `INSERT INTO outbox (idempotency_key, kind, ordering_key, payload, status, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'pending', 0, 0, 0)`,
      );
      insert.run('item:HEAVY', 'deposit.item', 'OLD-1', '{"id":"HEAVY","sessionId":"OLD-1","weightG":"heavy"}');
      insert.run('item:TORN', 'deposit.item', 'OLD-2', '{"id":"TORN","sess');
      insert.run('refund:R1', 'deposit.refund', 'OLD-3', '{"id":"R1"}');
      db.close();
    });
    dispose = t.dispose;
    const told = new Promise<void>((resolve) =>
      t.core.hub.subscribe('platform.changed', (s) => {
        if ((s as { backlog: { quarantined: number } }).backlog.quarantined === 3) resolve();
      }),
    );
    t.core.start();
    await told;
    const items = await deposit(t.core, 2, 2);
    await waitFor('the deposits', () => t.core.platform.status().backlog.count === 0);
    expect(new Set(keysOf(double))).toEqual(new Set(items.map((id) => `item:${id}`)));
    expect(double.syncs).toHaveLength(2);
    // As the maintenance screen lists them.
    const parked = await t.core.platform.handlers.quarantine(undefined, { transport: 'ws', client: 'kiosk' });
    expect(parked.map((j) => [j.sessionId, j.kind, j.attempts])).toEqual([
      ['OLD-1', 'deposit.item', 0],
      ['OLD-2', 'deposit.item', 0],
      ['OLD-3', 'deposit.refund', 0],
    ]);
    expect(parked.map((j) => j.lastError)).toEqual([
      expect.stringMatching(
        /^unreadable deposit\.item job 1 \(item:HEAVY\): seq: .*discard it on the maintenance screen/,
      ),
      expect.stringMatching(/^unreadable deposit\.item job 2 \(item:TORN\): its payload is not JSON/),
      expect.stringMatching(/^unknown job kind "deposit\.refund" in job 3 \(refund:R1\)/),
    ]);
    expect(t.core.platform.status()).toMatchObject({ state: 'online', backlog: { count: 0, quarantined: 3 } });
  });

  it('a missing credentials file leaves the kiosk working offline with a clear reason', () => {
    double = new PlatformDouble();
    const t = makeTestCore({ RVM_PLATFORM__PROFILE: 'v1' });
    dispose = t.dispose;
    t.core.start();
    expect(t.core.platform.status()).toMatchObject({ state: 'degraded' });
    expect(t.core.platform.status().lastError).toMatch(/no platform credentials at .*rvm-credentials\.json: import/);
    expect(t.core.deposit.service!.start().state).toBe('identifying');
  });
});
