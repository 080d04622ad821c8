import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock';
import { makeTestCore, tempDir } from '../../test/support/test-core';
import { waitFor } from '../../test/support/wait-for';
import { createLogger } from '../log/logger';
import { WORKER_GRACE_MS, workerLiveness } from '../vision/worker-liveness';
import { socatNotifier, Watchdog, watchdogFromEnv, type Liveness } from './watchdog';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function recorder() {
  const sent: string[] = [];
  return { sent, sink: { send: (m: string) => void sent.push(m), close: () => void sent.push('(closed)') } };
}

describe('Watchdog', () => {
  it('sends WATCHDOG=1 each half period only while the kiosk is live, and says why when it is not', () => {
    const clock = new FakeClock();
    const { sent, sink } = recorder();
    let live: Liveness = { ok: true, problems: [] };
    const dog = new Watchdog({ intervalMs: 30_000, check: () => live, sink, clock, logger });
    dog.start();
    clock.advance(60_000);
    expect(sent.filter((m) => m.startsWith('WATCHDOG=1'))).toHaveLength(3);
    expect(sent[0]).toContain('READY=1');

    live = { ok: false, problems: ['the store does not answer: disk I/O error'] };
    sent.length = 0;
    clock.advance(90_000);
    expect(sent.some((m) => m.includes('WATCHDOG=1'))).toBe(false);
    expect(sent).toContain('STATUS=unhealthy: the store does not answer: disk I/O error');

    live = { ok: true, problems: [] };
    clock.advance(30_000);
    expect(sent.at(-1)).toContain('WATCHDOG=1');
    dog.stop();
    expect(sent.slice(-2)).toEqual(['STOPPING=1', '(closed)']);
    clock.advance(120_000);
    expect(sent.at(-1)).toBe('(closed)');
  });

  it('treats a throwing check as unhealthy', () => {
    const clock = new FakeClock();
    const { sent, sink } = recorder();
    const check = (): Liveness => {
      throw new Error('boom');
    };
    new Watchdog({ intervalMs: 1000, check, sink, clock, logger }).start();
    expect(sent.at(-1)).toBe('STATUS=unhealthy: health check failed: boom');
  });

  it('runs only under a unit with WatchdogSec= (NOTIFY_SOCKET and WATCHDOG_USEC), at half the period', () => {
    const clock = new FakeClock();
    const check = (): Liveness => ({ ok: true, problems: [] });
    expect(watchdogFromEnv({}, { check, clock, logger })).toBeUndefined();
    expect(watchdogFromEnv({ NOTIFY_SOCKET: '/run/systemd/notify' }, { check, clock, logger })).toBeUndefined();
    const { sent, sink } = recorder();
    const dog = watchdogFromEnv(
      { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '60000000' },
      { check, clock, logger, sink: () => sink },
    );
    dog!.start();
    clock.advance(30_000);
    expect(sent.filter((m) => m.startsWith('WATCHDOG=1'))).toHaveLength(2);
  });

  it('delivers its messages as datagrams on a real Unix socket through socat', async () => {
    const { dir, cleanup } = tempDir('rvm-notify-');
    cleanups.push(cleanup);
    const socket = join(dir, 'notify');
    // systemd's side: a datagram socket that prints what it receives.
    const receiver = spawn('socat', ['-u', `UNIX-RECV:${socket}`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => receiver.kill());
    let received = '';
    receiver.stdout.on('data', (chunk: Buffer) => (received += chunk.toString()));
    await waitFor('the receiving socket', () => existsSync(socket), 5000);
    const notifier = socatNotifier(socket, logger);
    cleanups.push(() => notifier.close());
    notifier.send('READY=1');
    notifier.send('WATCHDOG=1');
    await waitFor('WATCHDOG=1 on the socket', () => received.includes('WATCHDOG=1'), 5000);
    expect(received).toContain('READY=1');
  });
});

describe('KioskCore.liveness', () => {
  it('is live with an answering store, and names the store when it stops answering', () => {
    const t = makeTestCore();
    cleanups.push(() => t.dispose());
    t.core.start();
    expect(t.core.liveness()).toEqual({ ok: true, problems: [] });
    t.core.store.close(); // the database connection is gone
    const live = t.core.liveness();
    expect(live.ok).toBe(false);
    expect(live.problems.join()).toMatch(/the store does not answer: .*not open/);
  });

  it('gives a restarting inference worker a grace period, and a refused model none is needed', () => {
    let r = workerLiveness('backoff', undefined, 1000);
    expect(r).toEqual({ downSince: 1000, problem: null });
    r = workerLiveness('starting', r.downSince, 1000 + WORKER_GRACE_MS);
    expect(r.problem).toBeNull();
    r = workerLiveness('starting', r.downSince, 2000 + WORKER_GRACE_MS);
    expect(r.problem).toBe('the inference worker has not been ready for 121 s (starting)');
    expect(workerLiveness('ready', r.downSince, 3000 + WORKER_GRACE_MS)).toEqual({
      downSince: undefined,
      problem: null,
    });
    expect(workerLiveness('model_refused', 1, 10 * WORKER_GRACE_MS).problem).toBeNull();
    expect(workerLiveness(undefined, 1, 10 * WORKER_GRACE_MS).problem).toBeNull();
  });
});
