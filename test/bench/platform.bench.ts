// npm run bench:platform — the platform link over loopback against the double, with the real store:
//   1. outage: N items in S sessions committed with the server down, then the time until every one
//      arrived (exactly once: counted and keyed on the double), for v1 and v2;
//   2. the same with 10 % of requests processed and then cut off;
//   3. QR member login: claim → member session, with live events (polling at 30 s) and by polling alone.
// Options: --items 1000 --sessions 100 --claims 20
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KioskCore } from '../../src-main/core/kiosk-core';
import { SimulatedHardware } from '../../src-main/hardware/hardware';
import { PlatformDouble } from '../platform-double/double';
import { makeTestCore } from '../support/test-core';
import { waitFor } from '../support/wait-for';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ITEMS = arg('items', 1000);
const SESSIONS = arg('sessions', 100);
const CLAIMS = arg('claims', 20);

type Profile = 'v1' | 'v2';

function kiosk(double: PlatformDouble, profile: Profile, env: NodeJS.ProcessEnv = {}) {
  const settings: NodeJS.ProcessEnv =
    profile === 'v1'
      ? { RVM_PLATFORM__PROFILE: 'v1' }
      : {
          RVM_PLATFORM__PROFILE: 'v2',
          RVM_PLATFORM__V2__RVM_ID: String(double.o.rvmId),
          RVM_PLATFORM__V2__EMAIL: double.o.email,
          RVM_PLATFORM__V2__PASSWORD: double.o.password,
        };
  return makeTestCore(
    {
      RVM_PLATFORM__BASE_URL: double.url,
      RVM_PLATFORM__BACKOFF__BASE_MS: '100',
      RVM_PLATFORM__BACKOFF__MAX_MS: '2000',
      RVM_PLATFORM__TIMEOUT_MS: '3000',
      ...settings,
      ...env,
    },
    {
      hardware: new SimulatedHardware(1_000_000),
      prepare: (dir) => {
        if (profile !== 'v1') return;
        const credentials = { serial_number: double.o.serial, api_key: double.o.apiKey, name: 'Bench RVM' };
        writeFileSync(join(dir, 'rvm-credentials.json'), JSON.stringify(credentials), { mode: 0o600 });
      },
    },
  );
}

async function commit(core: KioskCore, sessions: number, perSession: number): Promise<Set<string>> {
  const service = core.deposit.service!;
  const keys = new Set<string>();
  for (let s = 0; s < sessions; s++) {
    service.start();
    service.identify({ kind: 'guest' });
    for (let i = 0; i < perSession; i++) {
      const { itemId } = await service.acceptVerdict({
        className: 'pet_bottle',
        material: 'pet',
        confidence: 0.93,
        accepted: true,
        reason: null,
        box: [10, 10, 100, 200],
      });
      keys.add(`item:${itemId}`);
      service.chamberCleared();
    }
    service.finish();
    service.done();
  }
  return keys;
}

async function outage(profile: Profile, drop: number): Promise<void> {
  const double = await new PlatformDouble({ seed: 11 }).start();
  const t = kiosk(double, profile);
  try {
    double.faults.down = drop === 0;
    double.faults.dropAfterProcessing = drop;
    t.core.start();
    const keys = await commit(t.core, SESSIONS, Math.round(ITEMS / SESSIONS));
    const started = Date.now();
    double.faults.down = false;
    await waitFor('the backlog to drain', () => t.core.platform.status().backlog.count === 0, 300_000);
    const seconds = (Date.now() - started) / 1000;
    const delivered = double.deposits.filter((d) => d.key?.startsWith('item:'));
    const unique = new Set(delivered.map((d) => d.key));
    const exact = delivered.length === keys.size && [...keys].every((k) => unique.has(k));
    const dropped = double.log.filter((r) => r.status === 'dropped').length;
    const what = drop ? `${Math.round(drop * 100)} % dropped after processing (${dropped} cut)` : 'after an outage';
    console.log(
      `${profile} ${what}: ${keys.size} items in ${SESSIONS} sessions delivered in ${seconds.toFixed(1)} s ` +
        `(${Math.round(keys.size / seconds)} items/s, ${double.log.length} requests); ` +
        `exactly once: ${exact ? 'yes' : `NO (${delivered.length} recorded, ${unique.size} distinct)`}` +
        (profile === 'v1' ? `; session credits ${double.syncs.length}/${SESSIONS}` : ''),
    );
  } finally {
    t.dispose();
    await double.close();
  }
}

async function qr(profile: Profile, live: boolean): Promise<void> {
  const double = await new PlatformDouble().start();
  const env: NodeJS.ProcessEnv = live
    ? {
        RVM_PLATFORM__POLL_MS: '30000',
        RVM_PLATFORM__LIVE__KEY: double.o.pusherKey,
        ...(profile === 'v2' ? { RVM_PLATFORM__LIVE__URL: double.url.replace('http:', 'ws:') } : {}),
      }
    : {};
  const t = kiosk(double, profile, env);
  try {
    t.core.start();
    await waitFor('the link', () => t.core.platform.status().state === 'online');
    if (live) await waitFor('live events', () => t.core.platform.status().live);
    const service = t.core.deposit.service!;
    const latencies: number[] = [];
    for (let i = 0; i < CLAIMS; i++) {
      service.start();
      await waitFor('a code', () => service.snapshot().qr !== null);
      // A customer takes a while to scan: a random phase against the poll timer.
      await new Promise((r) => setTimeout(r, Math.random() * 2000));
      // Timed on the state event itself, not on a polling wait.
      const member = new Promise<number>((resolve) => {
        const off = t.core.hub.subscribe('deposit.session', (state) => {
          if ((state as { state: string }).state !== 'inserting') return;
          off();
          resolve(performance.now());
        });
      });
      const claimedAt = performance.now();
      double.claim(double.latestQrToken()!, { id: 100 + i, name: `Member ${i}` });
      latencies.push((await member) - claimedAt);
      service.cancel();
      if (service.snapshot().state === 'receipt') service.done();
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
    console.log(
      `${profile} QR claim → member session, ${live ? 'live events (polling 30 s)' : 'polling every 2 s'}: ` +
        `${CLAIMS} claims, p50 ${pct(0.5).toFixed(0)} ms, p95 ${pct(0.95).toFixed(0)} ms, max ${pct(1).toFixed(0)} ms`,
    );
  } finally {
    t.dispose();
    await double.close();
  }
}

console.log(`platform bench: ${ITEMS} items / ${SESSIONS} sessions, ${CLAIMS} QR claims, loopback double`);
for (const profile of ['v1', 'v2'] as const) {
  await outage(profile, 0);
  await outage(profile, 0.1);
}
for (const profile of ['v1', 'v2'] as const) {
  await qr(profile, true);
  await qr(profile, false);
}
