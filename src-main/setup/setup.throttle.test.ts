import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock';
import { tempDir } from '../../test/support/test-core';
import { loadConfig } from '../config/config.loader';
import type { CallContext } from '../kernel/contract-types';
import { AppFailure } from '../kernel/router';
import type { Logger } from '../log/logger';
import { SETUP_CODE_THROTTLE, SetupService } from './setup.service';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function setup() {
  const t = tempDir('rvm-setup-');
  dirs.push(t);
  const clock = new FakeClock();
  const lines: string[] = [];
  const logger: Logger = {
    error: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    info: (m) => lines.push(m),
    debug: () => {},
    scope: () => logger,
  };
  const service = new SetupService({
    dataDir: t.dir,
    loaded: loadConfig(t.dir, {}),
    clock,
    logger,
    appVersion: '0.0.0',
    restart: undefined,
  });
  service.start();
  const codes = () => [...lines.join('\n').matchAll(/setup code (\d{4}) (\d{4})/g)].map((m) => `${m[1]}${m[2]}`);
  const handlers = service.handlers();
  const unlock = (code: string, client = 'ws:1', transport: 'ws' | 'ipc' = 'ws') => {
    try {
      return handlers.unlock({ code }, { client, transport } as CallContext);
    } catch (error) {
      if (error instanceof AppFailure) return error.code;
      throw error;
    }
  };
  return { service, clock, lines, codes, unlock };
}

describe('setup code throttling', () => {
  it('many screens share one budget over WebSocket; wrong guesses never replace the code', () => {
    const { codes, unlock, clock, lines } = setup();
    const [code] = codes();
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const answers = Array.from({ length: 100 }, (_, i) => unlock(wrong, `ws:${i}`));
    expect(answers.filter((a) => a === 'FORBIDDEN')).toHaveLength(SETUP_CODE_THROTTLE.globalBurst);
    expect(answers.filter((a) => a === 'RATE_LIMITED')).toHaveLength(100 - SETUP_CODE_THROTTLE.globalBurst);
    expect(codes()).toEqual([code]);
    // One line for the first wrong code and one for the first throttled guess; the rest are counts.
    expect(lines.filter((l) => l.includes('wrong setup code'))).toHaveLength(1);
    clock.advance(60_000);
    expect(lines.some((l) => /setup code guesses over the rate limit: \d+ more in the last 60 s/.test(l))).toBe(true);
    // The budget refills at its rate; the real code then opens setup.
    expect(unlock(code!, 'ws:installer')).toEqual({ unlocked: true });
  });

  it('one screen is held to its own rate; the kiosk touchscreen (IPC) is not held by WebSocket guessing', () => {
    const { codes, unlock } = setup();
    const [code] = codes();
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const one = Array.from({ length: 6 }, () => unlock(wrong, 'ws:1'));
    expect(one.filter((a) => a === 'FORBIDDEN')).toHaveLength(SETUP_CODE_THROTTLE.perScreenBurst);
    for (let i = 0; i < 50; i++) unlock(wrong, `ws:attacker-${i}`);
    expect(unlock(code!, 'ipc:1', 'ipc')).toEqual({ unlocked: true });
  });

  it('a code lives 24 h, then a new one is printed; screens already unlocked stay unlocked', () => {
    const { codes, unlock, clock, service } = setup();
    const [first] = codes();
    expect(unlock(first!, 'ws:1')).toEqual({ unlocked: true });
    clock.advance(SETUP_CODE_THROTTLE.lifetimeMs);
    const all = codes();
    expect(all).toHaveLength(2);
    expect(service.handlers().status(undefined, { client: 'ws:1', transport: 'ws' } as CallContext)).toMatchObject({
      unlocked: true,
    });
    if (all[1] !== first) expect(unlock(first!, 'ws:2')).toBe('FORBIDDEN');
    expect(unlock(all[1]!, 'ws:2')).toEqual({ unlocked: true });
    service.stop();
  });
});
