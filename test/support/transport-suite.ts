import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RvmApi } from '../../src-preload/contract';
import { makeTestCore } from './test-core';

export interface TransportUnderTest {
  readonly api: RvmApi;
  close(): Promise<void> | void;
}

type AnyCall = (request: unknown) => Promise<unknown>;

/**
 * The same contract calls, run against every transport (Electron IPC and WebSocket), so the two can
 * never disagree about what the renderer sees.
 */
export function describeContractTransport(
  name: string,
  connect: (env: ReturnType<typeof makeTestCore>) => Promise<TransportUnderTest>,
): void {
  describe(`contract over ${name}`, () => {
    const env = makeTestCore({ RVM_REMOTE__TOKEN: 'x'.repeat(40) });
    let transport: TransportUnderTest;

    beforeAll(async () => {
      env.core.start();
      transport = await connect(env);
    });
    afterAll(async () => {
      await transport.close();
      env.dispose();
    });

    it('answers app.info with the configured machine', async () => {
      const result = await transport.api.app.info();
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.machineName).toBe('RVM-TEST-01');
      expect(result.value.environment).toBe('production');
      expect(result.value.version).toMatch(/^\d+\.\d+\.\d+/);
    });

    it('shows the config without its secrets', async () => {
      const result = await transport.api.app.configView();
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(JSON.stringify(result.value)).not.toContain('x'.repeat(40));
      expect(result.value.values).toMatchObject({ remote: { token: '(set)' } });
      expect(result.value.overriddenByEnv).toContain('machine.name');
    });

    it('reports health with named checks', async () => {
      const result = await transport.api.app.health();
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['config', 'event-loop']));
      expect(['ok', 'degraded']).toContain(result.value.status);
    });

    it('delivers heartbeats until unsubscribed', async () => {
      const seen: number[] = [];
      const unsubscribe = transport.api.app.onHeartbeat((beat) => seen.push(beat.seq));
      await expect.poll(() => seen.length, { timeout: 3000 }).toBeGreaterThanOrEqual(2);
      expect(seen[1]).toBeGreaterThan(seen[0]!);
      unsubscribe();
      const count = seen.length;
      // Two more beats reach a second listener (an event to wait on, not a sleep); none reaches the first.
      const later: number[] = [];
      const stop = transport.api.app.onHeartbeat((beat) => later.push(beat.seq));
      await expect.poll(() => later.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
      stop();
      expect(seen.length).toBe(count);
    });

    it('runs a deposit session and pushes its state', async () => {
      const states: string[] = [];
      const off = transport.api.deposit.onSession((s) => states.push(s.state));
      expect(await transport.api.deposit.start()).toMatchObject({ ok: true, value: { state: 'identifying' } });
      expect(await transport.api.deposit.identify({ kind: 'donation' })).toMatchObject({
        ok: true,
        value: { state: 'inserting', identity: { kind: 'donation' } },
      });
      expect(await transport.api.deposit.finish()).toMatchObject({ ok: true, value: { state: 'receipt' } });
      expect(await transport.api.deposit.done()).toMatchObject({ ok: true, value: { state: 'idle' } });
      await expect.poll(() => states).toEqual(['identifying', 'inserting', 'closing', 'receipt', 'idle']);
      off();
      expect(await transport.api.deposit.finish()).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    });

    it('does not let the screen claim to be a member (only the platform identifies members)', async () => {
      await transport.api.deposit.start();
      const identify = transport.api.deposit.identify as unknown as AnyCall;
      expect(await identify({ kind: 'member', memberId: 'someone-else' })).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
      await transport.api.deposit.cancel();
    });

    it('answers a malformed payload with BAD_REQUEST and keeps serving', async () => {
      const info = transport.api.app.info as unknown as AnyCall;
      const bad = await info({ evil: '__proto__' });
      expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      const after = await transport.api.app.info();
      expect(after.ok).toBe(true);
    });
  });
}
