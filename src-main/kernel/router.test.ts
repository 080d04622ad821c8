import { describe, expect, it } from 'vitest';
import type { Health } from '../../src-preload/contract';
import { createLogger } from '../log/logger';
import type { Handlers } from './contract-types';
import { AppFailure, createRouter, type CallGuard } from './router';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const ctx = { transport: 'ws', client: 'test' } as const;
const health: Health = { status: 'ok', checks: [], uptimeS: 1, eventLoopLagP99Ms: 0, rssMb: 10 };

function routerWith(app: Partial<Handlers['app']>, guard?: CallGuard) {
  const base: Handlers['app'] = {
    info: () => {
      throw new Error('not used');
    },
    configView: () => ({ path: '/x', loadedFromFile: false, overriddenByEnv: [], values: {} }),
    health: () => health,
  };
  const deposit = {
    state: unused,
    catalogue: unused,
    start: unused,
    identify: unused,
    finish: unused,
    cancel: unused,
    demoItem: unused,
    done: unused,
  };
  return createRouter(
    {
      app: { ...base, ...app },
      deposit,
      platform: {
        status: unused,
        quarantine: unused,
        retry: unused,
        discard: unused,
        syncTimezone: unused,
        technicianCommand: unused,
      },
      vision: {},
      monitor: everyCall(),
      backup: everyCall(),
      setup: everyCall(),
      payout: everyCall(),
      dataset: everyCall(),
      maintenance: new Proxy(
        { resetBin: (_req: unknown, c: { technician?: string }) => ({ binLevelPercent: c.technician ? 0 : 100 }) },
        { get: (target, name) => (name === 'resetBin' ? target.resetBin : unused) },
      ) as never,
    },
    logger,
    guard,
  );
}

/** Handlers for a whole feature that must not run in these tests. */
function everyCall(): never {
  return new Proxy({}, { get: () => unused }) as never;
}
const unused = () => {
  throw new Error('not used');
};

describe('router', () => {
  it('refuses channels that are not calls in the contract', async () => {
    const router = routerWith({});
    for (const channel of ['app.nope', 'app.heartbeat', 'toString', '__proto__.x', 42]) {
      const result = await router.dispatch(channel as string, undefined, ctx);
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
  });

  it('validates the request before the handler runs', async () => {
    let ran = false;
    const router = routerWith({ health: () => ((ran = true), health) });
    const result = await router.dispatch('app.health', { unexpected: true }, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', path: [] } });
    // A value at fault is named by its place in the request, for the screen to mark its field.
    const nested = await router.dispatch(
      'setup.testConnection',
      { profile: 'v1', baseUrl: '', credentialsJson: '{}' },
      ctx,
    );
    expect(nested).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', path: ['baseUrl'] } });
    expect(ran).toBe(false);
  });

  it('turns a thrown error into INTERNAL without leaking its text, and AppFailure into its code', async () => {
    const router = routerWith({
      health: () => {
        throw new Error('database password is hunter2');
      },
      configView: () => {
        throw new AppFailure('UNAVAILABLE', 'config is being rewritten');
      },
    });
    const internal = await router.dispatch('app.health', undefined, ctx);
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(internal)).not.toContain('hunter2');
    await expect(router.dispatch('app.configView', undefined, ctx)).resolves.toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'config is being rewritten' },
    });
  });

  it('lets a technician call through only with a session and the permission, and audits actions', async () => {
    const audit: Array<{ actor: string; action: string; result: string }> = [];
    const sessions = new Map<string, { name: string; permissions: string[] }>([
      ['screen-1', { name: 'Agus', permissions: ['view_status', 'test_hardware'] }],
      ['screen-2', { name: 'Budi', permissions: ['view_status'] }],
    ]);
    const router = routerWith(
      {},
      {
        authorize(client, permission) {
          const s = sessions.get(client);
          if (!s) throw new AppFailure('UNAUTHENTICATED', 'enter the PIN');
          if (!s.permissions.includes(permission)) throw new AppFailure('FORBIDDEN', `needs ${permission}`);
          return s.name;
        },
        audit: (entry) => audit.push(entry),
        clientGone: () => {},
      },
    );
    const call = (client: string) => router.dispatch('maintenance.resetBin', undefined, { transport: 'ws', client });
    await expect(call('screen-0')).resolves.toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    await expect(call('screen-2')).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // The handler sees who is signed in.
    await expect(call('screen-1')).resolves.toEqual({ ok: true, value: { binLevelPercent: 0 } });
    expect(audit).toEqual([{ actor: 'Agus', action: 'maintenance.resetBin', detail: null, result: 'ok' }]);
    // Without a guard, technicians' calls are refused outright.
    await expect(
      routerWith({}).dispatch('maintenance.resetBin', undefined, { transport: 'ws', client: 'screen-1' }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses to send an answer that breaks its own schema', async () => {
    const router = routerWith({ health: () => ({ ...health, status: 'fine' }) as never });
    await expect(router.dispatch('app.health', undefined, ctx)).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });
});
