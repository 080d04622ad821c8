import { describe, expect, it } from 'vitest';
import type { Health } from '../../src-preload/contract';
import { createLogger } from '../log/logger';
import type { Handlers } from './contract-types';
import { AppFailure, createRouter } from './router';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const ctx = { transport: 'ws' } as const;
const health: Health = { status: 'ok', checks: [], uptimeS: 1, eventLoopLagP99Ms: 0, rssMb: 10 };

function routerWith(app: Partial<Handlers['app']>) {
  const base: Handlers['app'] = {
    info: () => {
      throw new Error('not used');
    },
    configView: () => ({ path: '/x', loadedFromFile: false, overriddenByEnv: [], values: {} }),
    health: () => health,
  };
  const unused = () => {
    throw new Error('not used');
  };
  const deposit = {
    state: unused,
    catalogue: unused,
    start: unused,
    identify: unused,
    finish: unused,
    cancel: unused,
    done: unused,
  };
  return createRouter(
    {
      app: { ...base, ...app },
      deposit,
      platform: { status: unused, quarantine: unused, retry: unused, discard: unused, syncTimezone: unused },
      vision: {},
    },
    logger,
  );
}

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
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
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

  it('refuses to send an answer that breaks its own schema', async () => {
    const router = routerWith({ health: () => ({ ...health, status: 'fine' }) as never });
    await expect(router.dispatch('app.health', undefined, ctx)).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });
});
