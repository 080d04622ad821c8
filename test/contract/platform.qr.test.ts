import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DepositState } from '../../src-preload/contract';
import { PlatformDouble, type DoubleOptions } from '../platform-double/double';
import { makeTestCore } from '../support/test-core';
import { waitFor } from '../support/wait-for';

type Profile = 'v1' | 'v2';

/** The member QR login end to end: kiosk shows the platform's code → the phone claims → member session. */
describe.each<Profile>(['v1', 'v2'])('QR member login (%s)', (profile) => {
  let double: PlatformDouble;
  let dispose: () => void = () => undefined;
  afterEach(async () => {
    dispose();
    await double.close();
  });

  /** The double and a started kiosk linked to it; `live` also configures the live-events socket. */
  async function kiosk(env: NodeJS.ProcessEnv, o: { live?: boolean; double?: DoubleOptions } = {}) {
    double = await new PlatformDouble(o.double).start();
    const live: NodeJS.ProcessEnv = !o.live
      ? {}
      : profile === 'v1' // v1 learns the socket address from the handshake
        ? { RVM_PLATFORM__LIVE__KEY: double.o.pusherKey }
        : { RVM_PLATFORM__LIVE__KEY: double.o.pusherKey, RVM_PLATFORM__LIVE__URL: double.url.replace('http:', 'ws:') };
    const settings: NodeJS.ProcessEnv =
      profile === 'v1'
        ? { RVM_PLATFORM__PROFILE: 'v1' }
        : {
            RVM_PLATFORM__PROFILE: 'v2',
            RVM_PLATFORM__V2__RVM_ID: String(double.o.rvmId),
            RVM_PLATFORM__V2__EMAIL: double.o.email,
            RVM_PLATFORM__V2__PASSWORD: double.o.password,
          };
    const t = makeTestCore(
      { RVM_PLATFORM__BASE_URL: double.url, ...settings, ...live, ...env },
      {
        prepare: (dir) => {
          if (profile !== 'v1') return;
          const credentials = {
            serial_number: double.o.serial,
            api_key: double.o.apiKey,
            name: 'QR test RVM',
            generated_at: new Date().toISOString(),
          };
          writeFileSync(join(dir, 'rvm-credentials.json'), JSON.stringify(credentials), { mode: 0o600 });
        },
      },
    );
    dispose = t.dispose;
    t.core.start();
    await waitFor('the link', () => t.core.platform.status().state === 'online');
    return t;
  }

  /** Starts a session and returns the token behind the code the screen shows. */
  async function showCode(state: () => DepositState, start: () => void): Promise<string> {
    start();
    await waitFor('a QR code on screen', () => state().qr !== null);
    const token = double.latestQrToken()!;
    const { qr } = state();
    if (profile === 'v1') expect(qr!.content).toBe(`myrvm://session/${token}?m=${double.rvmUuid}`);
    else expect(qr!.content).toBe(token);
    expect(qr!.expiresAt).toBeGreaterThan(Date.now());
    return token;
  }

  it('moves to the member within 1 s of the claim with live events (polling set to 30 s)', async () => {
    const { core } = await kiosk({ RVM_PLATFORM__POLL_MS: '30000' }, { live: true });
    await waitFor('the live subscription', () => core.platform.status().live);
    const service = core.deposit.service!;
    const token = await showCode(
      () => service.snapshot(),
      () => service.start(),
    );
    expect(double.claim(token)).toBe(true);
    await waitFor('the member session', () => service.snapshot().state === 'inserting', 15_000);
    // How fast a claim arrives is a benchmark's figure (npm run bench:platform), not a test's.
    const state = service.snapshot();
    expect(state.identity).toEqual({ kind: 'member', memberId: '501', name: 'Siti Rahma' });
    expect(state.qr).toBeNull();
    const row = core.store.repos!.sessions.get(state.sessionId!)!;
    expect(row.memberId).toBe('501');
    // v1: the session id the claim created; v2: the session token itself.
    if (profile === 'v1') expect(row.platformSession).toMatch(/^sess_[0-9a-f]{12}$/);
    else expect(row.platformSession).toBe(token);

    // A late duplicate of the event changes nothing.
    const channel = profile === 'v1' ? `rvm.${double.rvmUuid}` : `rvm.${double.o.rvmId}`;
    const handled = core.platform.liveEventsHandled;
    expect(double.broadcast(channel, 'session.authorized', { session_id: 'stale', user_id: 9 })).toBe(1);
    await waitFor('the duplicate event handled', () => core.platform.liveEventsHandled > handled);
    expect(service.snapshot().sessionId).toBe(state.sessionId);
    expect(service.snapshot().identity).toEqual(state.identity);
  });

  it('moves to the member by polling alone (no live key)', async () => {
    const { core } = await kiosk({});
    expect(core.platform.status().live).toBe(false);
    const service = core.deposit.service!;
    const token = await showCode(
      () => service.snapshot(),
      () => service.start(),
    );
    double.claim(token, { id: 77, name: 'Budi' });
    // How fast polling finds the claim is a benchmark's figure (npm run bench:platform), not a test's.
    await waitFor('the member session', () => service.snapshot().state === 'inserting', 15_000);
    expect(service.snapshot().identity).toEqual({ kind: 'member', memberId: '77', name: 'Budi' });
  });

  it('falls back to polling when the socket is down, and ignores a foreign event', async () => {
    const { core } = await kiosk({ RVM_PLATFORM__POLL_MS: '500' }, { live: true });
    await waitFor('the live subscription', () => core.platform.status().live);
    const service = core.deposit.service!;
    const token = await showCode(
      () => service.snapshot(),
      () => service.start(),
    );
    // An event for nobody's claim: the status check says pending; still identifying.
    const channel = profile === 'v1' ? `rvm.${double.rvmUuid}` : `rvm.${double.o.rvmId}`;
    const handled = core.platform.liveEventsHandled;
    double.broadcast(channel, 'session.authorized', { session_id: 'someone-else', user_id: 1 });
    await waitFor('the foreign event handled', () => core.platform.liveEventsHandled > handled);
    // The status check it (or the poll) makes finds the code still pending.
    const asked = double.log.length;
    await waitFor('a status check after it', () =>
      double.log.slice(asked).some((r) => r.path.includes('session/status')),
    );
    expect(service.snapshot().state).toBe('identifying');
    double.setLiveDown(true);
    await waitFor('the live link to drop', () => !core.platform.status().live);
    double.claim(token);
    await waitFor('the member session', () => service.snapshot().state === 'inserting', 3000);
  });

  it('renews the code before it expires, and ignores a claim once the customer chose guest', async () => {
    const { core } = await kiosk({ RVM_PLATFORM__POLL_MS: '250' }, { live: true, double: { qrTtlS: 7 } });
    await waitFor('the live subscription', () => core.platform.status().live);
    const service = core.deposit.service!;
    const first = await showCode(
      () => service.snapshot(),
      () => service.start(),
    );
    // Renewed 5 s before expiry: about 2 s after the first.
    const shown = () => service.snapshot().qr?.content ?? '';
    await waitFor('a new code on screen', () => shown() !== '' && !shown().includes(first), 5000);
    expect(service.snapshot().qr!.content).toContain(double.latestQrToken()!);
    const second = double.latestQrToken()!;
    service.identify({ kind: 'guest' });
    expect(service.snapshot().qr).toBeNull();
    // The phone claims the code anyway, and the platform says so live: the kiosk no longer listens.
    double.claim(second);
    const handled = core.platform.liveEventsHandled;
    const channel = profile === 'v1' ? `rvm.${double.rvmUuid}` : `rvm.${double.o.rvmId}`;
    double.broadcast(channel, 'session.authorized', { session_id: second, user_id: 1 });
    await waitFor('the event handled', () => core.platform.liveEventsHandled > handled);
    expect(service.snapshot().identity).toEqual({ kind: 'guest' });
  });

  it('shows no code while the platform is unreachable, and one once it is back', async () => {
    const { core } = await kiosk({});
    double.faults.down = true;
    const service = core.deposit.service!;
    const asked = double.log.length;
    service.start();
    await waitFor(
      'a code asked for and refused',
      () => double.log.slice(asked).some((r) => r.path.includes('/session/') && r.status === 'dropped'),
      8000,
    );
    expect(service.snapshot().state).toBe('identifying');
    expect(service.snapshot().qr).toBeNull();
    double.faults.down = false;
    await waitFor('a QR code on screen', () => service.snapshot().qr !== null, 8000);
  });
});
