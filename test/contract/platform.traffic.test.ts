import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ItemVerdict } from '../../src-preload/contract';
import type { KioskCore } from '../../src-main/core/kiosk-core';
import { SimulatedHardware } from '../../src-main/hardware/hardware';
import { loadConfig } from '../../src-main/config/config.loader';
import { createProfile } from '../../src-main/platform/create-profile';
import type { DeliveryContext } from '../../src-main/platform/profile';
import { V2Profile } from '../../src-main/platform/v2.profile';
import type { ItemJobPayload } from '../../src-main/store/outbox-jobs';
import { PlatformDouble, type DoubleOptions } from '../platform-double/double';
import { makeTestCore, tempDir } from '../support/test-core';
import { waitFor } from '../support/wait-for';
import { ITEM, itemJob } from './platform-fixtures';
import { openLink, pump, v1Env, v2Env, writeCredentials, type Link } from './platform-link';

// Issue #22 part 5: the platform traffic a kiosk owes besides deposits — guest and donation sessions,
// rejected items (v1), the model version (v2), the machine's address and time zone (v2), the QR code
// only when it is shown, one re-login at a time, and no second processing engine.

let double: PlatformDouble;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) c();
  await double.close();
});

const verdict = (material: string, accepted = true): ItemVerdict => ({
  className: `${material}_item`,
  material: accepted ? material : null,
  confidence: 0.9,
  accepted,
  reason: accepted ? null : 'unknown_item',
  box: [0, 0, 50, 50],
});

/** One session of `kind` with `items` accepted PET bottles; returns its local id. */
async function session(core: KioskCore, kind: 'donation' | 'voucher' | 'guest', items: number): Promise<string> {
  const service = core.deposit.service!;
  service.start();
  const { sessionId } = service.identify({ kind });
  for (let i = 0; i < items; i++) {
    await service.acceptVerdict(verdict('pet'));
    service.chamberCleared();
  }
  service.finish();
  service.done();
  return sessionId!;
}

type Case = { name: string; env: (d: PlatformDouble) => NodeJS.ProcessEnv; double?: DoubleOptions };
const CASES: Case[] = [
  { name: 'v1 master', env: v1Env },
  { name: 'v1 dev-server', env: v1Env, double: { line: 'dev' } },
  { name: 'v2', env: (d) => v2Env(d, false) },
];

describe.each(CASES)('guest and donation sessions are reported ($name)', ({ name, env, double: options }) => {
  it('opens one platform session per guest or donation session and names it with each item; a voucher session opens none', async () => {
    double = await new PlatformDouble(options).start();
    double.syncBearerOnly = false; // the dev line's credit, as a server that takes the machine would
    const t = makeTestCore(
      { ...env(double), RVM_PLATFORM__BACKOFF__BASE_MS: '50', RVM_PLATFORM__BACKOFF__MAX_MS: '1000' },
      {
        hardware: new SimulatedHardware(10_000),
        prepare: (dir) => name.startsWith('v1') && writeCredentials(dir, double),
      },
    );
    cleanups.push(t.dispose);
    t.core.start();
    await waitFor('the link', () => t.core.platform.status().state === 'online');
    const donation = await session(t.core, 'donation', 2);
    const voucher = await session(t.core, 'voucher', 1);
    await waitFor('delivery', () => t.core.platform.status().backlog.count === 0);
    expect(t.core.platform.status().backlog.quarantined).toBe(0);

    // Sessions are delivered side by side: compared without their order.
    const sorted = (list: unknown[]) => list.map(String).sort();
    if (name === 'v2') {
      expect(double.guestActivations).toHaveLength(1);
      const tokens = [...double.v2Deposits.values()].map((d) => d.body.session_token);
      expect(sorted(tokens)).toEqual(sorted([double.guestActivations[0], double.guestActivations[0], undefined]));
      return;
    }
    expect(double.guestSessions).toEqual([expect.stringMatching(/^guest_[0-9a-f]{12}$/)]);
    const sessionIds = double.deposits.map((d) => (d.body as { data: { session_id: string } }).data.session_id);
    expect(sorted(sessionIds)).toEqual(sorted([double.guestSessions[0], double.guestSessions[0], voucher]));
    const transactions = double.syncs.map((s) =>
      name === 'v1 master' ? (s.body as { transactions: unknown[] }).transactions[0] : s.body,
    );
    // The donation user: the dev line names it in the handshake; without it, −1 (PLATFORM-API.md).
    const donationUser = name === 'v1 master' ? -1 : double.donationUserId;
    expect(transactions).toHaveLength(2);
    expect(transactions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          session_id: donation,
          user_id: donationUser,
          platform_session: double.guestSessions[0],
        }),
        // A voucher's value left as a voucher: reported with no points, so nobody is paid twice.
        expect.objectContaining({
          session_id: voucher,
          user_id: donationUser,
          items: [expect.objectContaining({ points: 0 })],
        }),
      ]),
    );
    if (name === 'v1 dev-server') expect(double.balances.get(double.donationUserId)).toBe(20);
  });
});

// A rejected item, as the platform is to hear of one.
const rejected: ItemJobPayload = {
  ...ITEM,
  id: 'I2',
  seq: 2,
  accepted: false,
  reason: 'unknown_item',
  material: null,
  points: 0,
};
const job = (payload: ItemJobPayload) => itemJob(payload);
const context: DeliveryContext = {
  session: () => undefined,
  acceptedItems: () => [],
  saveProgress: () => undefined,
  image: async () => new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
  platformSession: async () => 'sess_1',
};

/** The profile for `env`, built as the kiosk builds it. */
function profileFor(env: NodeJS.ProcessEnv, modelVersion?: () => string | null) {
  const { dir, cleanup } = tempDir('rvm-traffic-');
  cleanups.push(cleanup);
  if (env.RVM_PLATFORM__PROFILE === 'v1') writeCredentials(dir, double);
  const config = loadConfig(dir, { RVM_MACHINE__NAME: 'RVM-T-01', ...env }).config;
  return createProfile({
    config,
    dataDir: dir,
    appVersion: '0.1.0',
    now: Date.now,
    ...(modelVersion ? { modelVersion } : {}),
  });
}

describe('items and detections', () => {
  it.each<DoubleOptions['line']>(['master', 'dev'])(
    'v1 (%s): a rejected item is sent as REJECTED with its reason and no points',
    async (line) => {
      double = await new PlatformDouble({ line }).start();
      const profile = profileFor(v1Env(double));
      await profile.connect();
      await profile.deliver(job(rejected), context);
      expect(double.deposits.map((d) => d.body)).toEqual([
        {
          status: 'REJECTED',
          data: expect.objectContaining({
            session_id: 'sess_1',
            is_accepted: false,
            rejection_reason: 'unknown_item',
            material: null,
            points: 0,
            class_name: 'pet_bottle',
          }),
        },
      ]);
    },
  );

  it('v2: a rejected item is no deposit; a detection result names the running model', async () => {
    double = await new PlatformDouble().start();
    let version: string | null = 'yolo11n-rvm-7';
    const profile = profileFor(v2Env(double), () => version);
    await profile.connect();
    const before = double.log.length;
    await profile.deliver(job(rejected), context);
    expect(double.log.slice(before)).toEqual([]);
    await profile.deliver(job(ITEM), context);
    version = null;
    await profile.deliver(job({ ...ITEM, id: 'I3' }), context);
    expect(double.detections).toEqual([
      expect.objectContaining({ model_version: 'yolo11n-rvm-7' }),
      expect.not.objectContaining({ model_version: expect.anything() }),
    ]);
    expect([...double.v2Deposits.values()].map((d) => d.body.session_token)).toEqual(['sess_1', 'sess_1']);
  });
});

describe('v2 machine upkeep', () => {
  const links: Link[] = [];
  afterEach(() => links.splice(0).forEach((l) => l.stop()));

  it('PATCHes /rvm/self/update once at first connect, again only when the address changes', async () => {
    double = await new PlatformDouble().start();
    let local = '10.0.0.9';
    const first = openLink(double, v2Env(double), { deps: { addresses: () => ({ local, vpn: null }) } });
    links.push(first);
    first.module.start();
    const state = join(first.dir, 'platform-state.json');
    await waitFor(
      'the first update, kept',
      () => existsSync(state) && readFileSync(state, 'utf8').includes('10.0.0.9'),
    );
    expect(double.selfUpdates).toEqual([{ ip_address: '10.0.0.9', timezone: 'Asia/Jakarta' }]);
    first.module.stop();
    // A restart over the same data folder, nothing changed: nothing sent, even after a heartbeat.
    const again = openLink(double, v2Env(double), {
      dir: first.dir,
      deps: { addresses: () => ({ local, vpn: null }) },
    });
    links.push(again);
    again.module.start();
    const metrics = double.metrics.length;
    await pump(again.clock, 30_000, 'a heartbeat after the restart', () => double.metrics.length > metrics + 1);
    local = '10.0.0.23';
    await pump(again.clock, 30_000, 'the address update', () => double.selfUpdates.length === 2);
    expect(double.selfUpdates[1]).toEqual({ ip_address: '10.0.0.23' });
    await waitFor('the new address kept', () => readFileSync(state, 'utf8').includes('10.0.0.23'));
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({
      selfUpdate: { ipAddress: '10.0.0.23', timezone: 'Asia/Jakarta' },
    });
  });

  it('without the machine key there is no update; a server without the ping route keeps the one engine', async () => {
    double = await new PlatformDouble().start();
    double.faults.enginePingMissing = true;
    const env = {
      ...v2Env(double, false),
      RVM_PLATFORM__V2__PROCESSING_ENGINE__REGISTER: 'true',
      RVM_PLATFORM__V2__PROCESSING_ENGINE__SERVER_ADDRESS: '10.1.2.3',
    };
    const first = openLink(double, env);
    links.push(first);
    first.module.start();
    await waitFor('the engine registration', () => existsSync(join(first.dir, 'platform-state.json')));
    first.module.stop();
    for (let start = 0; start < 2; start++) {
      const again = openLink(double, env, { dir: first.dir });
      links.push(again);
      const pings = double.log.filter((r) => r.path.endsWith('/ping')).length;
      again.module.start();
      await waitFor('the ping', () => double.log.filter((r) => r.path.endsWith('/ping')).length > pings);
      await waitFor('its answer', () => double.log.at(-1)?.status !== 'dropped');
      again.module.stop();
    }
    expect(double.log.filter((r) => r.path.endsWith('/ping')).map((r) => r.status)).toEqual([404, 404]);
    expect(double.engines.size).toBe(1);
    expect(double.selfUpdates).toEqual([]);
  });
});

describe('v2 login', () => {
  it('tokens revoked under three requests at once: one re-login, no second claim or timezone sync', async () => {
    double = await new PlatformDouble().start();
    const profile = profileFor(v2Env(double)) as V2Profile;
    expect(profile).toBeInstanceOf(V2Profile);
    await profile.connect();
    double.revokeTokens();
    const status = profile.machineStatus;
    const statuses = Promise.all([status(), status(), status()]);
    // Connected throughout: a link that saw it disconnected would connect again (claim, timezone).
    expect(profile.connected).toBe(true);
    expect(await statuses).toEqual(Array(3).fill({ name: 'Double RVM', status: 'active' }));
    const count = (path: string) => double.log.filter((r) => r.path === path).length;
    expect([count('/api/v2/auth/login'), count('/api/v2/rvm/self/claim'), count('/api/v2/timezone/sync')]).toEqual([
      2, 1, 1,
    ]);
    expect(profile.logins).toBe(2);
  });
});

describe('member QR code', () => {
  it('is fetched only while the identify screen shows it: one code for one claim', async () => {
    double = await new PlatformDouble().start();
    let identifying = false;
    let shown = false;
    const shownCodes: Array<string | null> = [];
    const members: string[] = [];
    const link = openLink(double, v1Env(double), {
      deps: {
        qrTarget: {
          identifying: () => identifying,
          show: (qr) => shownCodes.push(qr?.content ?? null),
          identify: (member) => members.push(member.memberId),
        },
        showsQr: () => shown,
      },
    });
    cleanups.push(link.stop);
    link.module.start();
    await waitFor('the link', () => link.module.status().state === 'online');
    // Five customers start and choose donation without the code on screen.
    for (let customer = 0; customer < 5; customer++) {
      identifying = true;
      link.module.qrShownChanged();
      identifying = false;
      link.module.qrShownChanged();
    }
    // The sixth opens the member code and scans it.
    identifying = true;
    shown = true;
    link.module.qrShownChanged();
    await waitFor('the code on screen', () => shownCodes.length === 1);
    expect(double.claim(double.latestQrToken()!)).toBe(true);
    await pump(link.clock, 2000, 'the claim', () => members.length === 1);
    expect(double.log.filter((r) => r.path === '/api/v1/kiosk/session/token')).toHaveLength(1);
    expect(members).toEqual(['501']);
  });
});
