import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedHardware } from '../../src-main/hardware/hardware';
import { PlatformHttp } from '../../src-main/platform/http';
import type { DeliveryContext } from '../../src-main/platform/profile';
import { PLATFORM_MAINTENANCE_REASON } from '../../src-main/platform/v1-commands';
import { V1Profile } from '../../src-main/platform/v1.profile';
import type { SessionRow } from '../../src-main/store/session.repo';
import { PlatformDouble } from '../platform-double/double';
import { FakeClock } from '../support/fake-clock';
import { makeTestCore } from '../support/test-core';
import { waitFor } from '../support/wait-for';
import { SESSION, pet, refusal, sessionJob } from './platform-fixtures';
import { openLink, pump, recordingHardware, v1Env, type Link } from './platform-link';

// Issue #22 part 6 on both v1 lines: the handshake's addresses, the offline sync body both take (and
// the dev line's bearer-only route), technician commands relayed by the kiosk itself, and the
// operator's maintenance reaching the customer screen.

let double: PlatformDouble;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) c();
  await double.close();
});

function v1(o: { vpn?: string | null } = {}) {
  const http = new PlatformHttp({ baseUrl: double.url, timeoutMs: 2000, headers: () => profile.headers() });
  const profile: V1Profile = new V1Profile({
    http,
    credentials: { serial_number: double.o.serial, api_key: double.o.apiKey, name: 'Dev-line RVM' },
    appVersion: '0.1.0',
    timezone: 'Asia/Makassar',
    now: () => Date.now(),
    addresses: () => ({ local: '192.168.1.20', vpn: o.vpn === undefined ? null : o.vpn }),
  });
  return profile;
}

const member: SessionRow = {
  ...SESSION,
  id: '01JSESSIONMEMBER',
  acceptedCount: 2,
  totalPoints: 25,
};
const context = (s: SessionRow): DeliveryContext => ({
  session: (id) => (id === s.id ? s : undefined),
  acceptedItems: () => [
    {
      id: 'I1',
      seq: 1,
      material: 'pet',
      className: 'pet_bottle',
      confidence: 0.9,
      points: 10,
      weightG: 24,
      barcode: null,
      at: 0,
    },
    {
      id: 'I2',
      seq: 2,
      material: 'aluminium',
      className: 'can',
      confidence: 0.9,
      points: 15,
      weightG: null,
      barcode: null,
      at: 0,
    },
  ],
  saveProgress: () => undefined,
  image: async () => new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
  platformSession: async () => s.platformSession,
});

describe.each<'master' | 'dev'>(['master', 'dev'])('v1 %s line', (line) => {
  it('handshake: the VPN address is an address or null, never a word', async () => {
    double = await new PlatformDouble({ line }).start();
    await v1({ vpn: '100.101.102.103' }).connect();
    await v1().connect();
    expect(double.handshakes).toEqual([
      expect.objectContaining({ ip_local: '192.168.1.20', ip_vpn: '100.101.102.103', timezone: 'Asia/Makassar' }),
      expect.objectContaining({ ip_vpn: null }),
    ]);
    // What the older client sent: the server refuses it, and the kiosk never sends it.
    const res = await fetch(`${double.url}/api/v1/edge/handshake`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-RVM-API-KEY': double.o.apiKey },
      body: JSON.stringify({ hardware_id: double.o.serial, name: 'x', ip_vpn: 'Not Connected' }),
    });
    expect(res.status).toBe(422);
    const sent = double.log.length;
    const error = await refusal(v1({ vpn: 'Not Connected' }).connect());
    expect([error.kind, error.message]).toEqual(['bad-request', expect.stringContaining('ip_vpn')]);
    expect(double.log).toHaveLength(sent);
  });

  it('sync-offline: one body both lines take, crediting the member once', async () => {
    double = await new PlatformDouble({ line }).start();
    const profile = v1();
    await profile.connect();
    if (line === 'dev') {
      // As the server is: the later route wants a user bearer; the credit waits, the machine is fine.
      const error = await refusal(profile.deliver(sessionJob(member), context(member)));
      expect([error.status, error.isAuth, error.isTransient, error.details.authScope]).toEqual([
        401,
        true,
        false,
        'endpoint',
      ]);
      expect(error.message).toContain('waits in the outbox');
      double.syncBearerOnly = false;
    }
    await profile.deliver(sessionJob(member), context(member));
    // Sent again under another key (a restored database): the dev line knows the session.
    await profile.deliver(sessionJob(member, 'session:again'), context(member));
    const tx = {
      session_id: member.id,
      user_id: 501,
      timestamp: '2026-11-20T10:01:00.000Z',
      items: [
        { type: 'pet', weight: 0.024, points: 10 },
        { type: 'aluminium', weight: 0, points: 15 },
      ],
    };
    if (line === 'master') {
      expect(double.syncs.map((s) => (s.body as { transactions: unknown[] }).transactions)).toEqual([
        [expect.objectContaining(tx)],
        [expect.objectContaining(tx)],
      ]);
      return;
    }
    expect(double.syncs.map((s) => s.body)).toEqual([expect.objectContaining(tx)]);
    expect(double.balances.get(501)).toBe(25);
    // A user the platform does not know: 200 with errors, nothing stored — refused, not lost.
    const stranger = { ...member, id: '01JSESSIONSTRANGER', memberId: '999' };
    const error = await refusal(profile.deliver(sessionJob(stranger), context(stranger)));
    expect([error.kind, error.isTransient, error.message]).toEqual([
      'bad-response',
      false,
      expect.stringContaining('User not found: 999'),
    ]);
  });

  it('a technician command is posted, then carried out here; one the platform refuses is not', async () => {
    double = await new PlatformDouble({ line }).start();
    const { hardware, moved } = recordingHardware();
    const restarts: string[] = [];
    const link: Link = openLink(double, v1Env(double), {
      deps: { hardware, onRestart: (why) => restarts.push(why) },
    });
    cleanups.push(link.stop);
    link.module.start();
    await waitFor('the handshake', () => link.module.status().state === 'online');
    const led = await link.module.technicianCommand({ command: 'test_led', assignmentId: 31 }, 'Agus');
    expect([led.result, led.detail]).toEqual(['done', 'led trigger: led exercised']);
    const check = await link.module.technicianCommand({ command: 'check_connection', assignmentId: 31 }, 'Agus');
    expect(check.detail).toBe(`handshake with ${double.url} worked`);
    expect(double.technicianCommands).toEqual([
      { command: 'test_led', params: null, assignment_id: 31 },
      { command: 'check_connection', params: null, assignment_id: 31 },
    ]);
    await expect(
      link.module.technicianCommand({ command: 'reboot_edge', assignmentId: 31 }, 'Agus'),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('Full access is required') });
    expect([moved, restarts]).toEqual([['led'], []]);
    expect(
      link.audit.map((a) => [
        a.actor,
        a.action.replace(/ \(platform request req_[0-9a-f]+\)/, ''),
        a.result.split(':')[0],
      ]),
    ).toEqual([
      ['Agus', 'technician command test_led', 'done'],
      ['Agus', 'technician command check_connection', 'done'],
      ['Agus', 'technician command reboot_edge', 'refused'],
    ]);
  });
});

describe('the kiosk on the dev line', () => {
  function devCore(clock?: FakeClock) {
    const t = makeTestCore(
      {
        ...v1Env(double),
        RVM_PLATFORM__BACKOFF__BASE_MS: '50',
        RVM_PLATFORM__BACKOFF__MAX_MS: '1000',
        RVM_PLATFORM__TIMEOUT_MS: '2000',
      },
      {
        hardware: new SimulatedHardware(10_000),
        ...(clock ? { clock } : {}),
        prepare: (dir) =>
          writeFileSync(
            join(dir, 'rvm-credentials.json'),
            JSON.stringify({ serial_number: double.o.serial, api_key: double.o.apiKey, name: 'Dev RVM' }),
          ),
      },
    );
    cleanups.push(t.dispose);
    return t;
  }

  it('a technician signed in with a platform PIN sends a command from the maintenance screen; a local one cannot', async () => {
    double = await new PlatformDouble({ line: 'dev' }).start();
    const { core } = devCore();
    core.start();
    await waitFor('the link', () => core.platform.status().state === 'online');
    const screen = { transport: 'ws', client: 'screen-1' } as const;
    expect(await core.router.dispatch('maintenance.unlock', { pin: '246810' }, screen)).toMatchObject({
      ok: true,
      value: { granted: true },
    });
    const led = await core.router.dispatch('platform.technicianCommand', { command: 'test_led' }, screen);
    expect(led).toMatchObject({ ok: true, value: { result: 'done' } });
    expect(double.technicianCommands).toEqual([{ command: 'test_led', params: null, assignment_id: 31 }]);
    // Another screen without a session, and one after the session ended: refused before the platform is asked.
    const other = await core.router.dispatch(
      'platform.technicianCommand',
      { command: 'test_led' },
      { ...screen, client: 'screen-2' },
    );
    expect(other).toMatchObject({ ok: false });
    expect(double.technicianCommands).toHaveLength(1);
  });

  it('a session credit refused for want of a bearer waits in the outbox; the link stays online', async () => {
    double = await new PlatformDouble({ line: 'dev' }).start();
    const { core } = devCore();
    core.start();
    await waitFor('the link', () => core.platform.status().state === 'online');
    const service = core.deposit.service!;
    service.start();
    service.identify({ kind: 'donation' });
    await service.acceptVerdict(pet());
    service.finish();
    await waitFor('the refused credit', () =>
      double.log.some((r) => r.path === '/api/v1/edge/sync-offline' && r.status === 401),
    );
    await waitFor('the item', () => double.deposits.length === 1);
    const retried = () => double.log.filter((r) => r.path === '/api/v1/edge/sync-offline').length;
    await waitFor('a retry', () => retried() >= 2);
    expect(core.platform.status()).toMatchObject({ state: 'online', backlog: { count: 1, quarantined: 0 } });
    expect(core.platform.online()).toBe(true);
  });

  it('MAINTENANCE closes the customer screen and EXIT_MAINTENANCE opens it, each once the customer is done', async () => {
    double = await new PlatformDouble({ line: 'dev' }).start();
    const clock = new FakeClock(Date.now());
    const { core } = devCore(clock);
    core.start();
    await waitFor('the link', () => core.platform.status().state === 'online');
    const service = core.deposit.service!;
    service.start();
    service.identify({ kind: 'donation' });
    double.command('MAINTENANCE');
    await pump(clock, 30_000, 'the command, held for the customer', () => core.platform.commandsWaiting === 1);
    expect(service.snapshot().state).toBe('inserting');
    service.finish();
    service.done();
    await waitFor('maintenance', () => service.snapshot().state === 'out_of_service');
    expect(service.snapshot()).toMatchObject({
      state: 'out_of_service',
      outOfService: [{ code: 'maintenance', detail: PLATFORM_MAINTENANCE_REASON }],
    });
    double.command('EXIT_MAINTENANCE');
    await pump(clock, 30_000, 'the end of maintenance', () => service.snapshot().state === 'idle');
    expect(core.platform.operatorMaintenance).toBe(false);
  });
});
