import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock';
import { createLogger } from '../log/logger';
import { WindowKeeper, type KeptWindow } from './window-keeper';

/** A recording stand-in for a BrowserWindow: events are emitted by the test, calls are recorded. */
function fakeWindow(loads: Array<'ok' | 'reject'> = []) {
  const calls: string[] = [];
  let visible = false;
  const webContents = Object.assign(new EventEmitter(), {
    reload: () => calls.push('reload'),
    forcefullyCrashRenderer: () => calls.push('crash'),
  });
  const window = Object.assign(new EventEmitter(), {
    webContents,
    show: () => {
      visible = true;
      calls.push('show');
    },
    isVisible: () => visible,
    isDestroyed: () => false,
    loadURL: (url: string) => {
      calls.push(`load:${url}`);
      return loads.shift() === 'reject' ? Promise.reject(new Error('ERR_FILE_NOT_FOUND')) : Promise.resolve();
    },
  });
  return { window: window as unknown as KeptWindow, calls, emit: window.emit.bind(window), web: webContents };
}

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const flush = () => new Promise((resolve) => setImmediate(resolve));

function keep(loads?: Array<'ok' | 'reject'>) {
  const clock = new FakeClock();
  const f = fakeWindow(loads);
  const keeper = new WindowKeeper(f.window, 'app://rvm/index.html', clock, logger);
  keeper.start();
  return { ...f, clock, keeper };
}

describe('WindowKeeper', () => {
  it('shows the window on did-finish-load when ready-to-show never comes (Wayland)', () => {
    const { calls, web, keeper } = keep();
    expect(calls).toEqual(['load:app://rvm/index.html']);
    web.emit('did-finish-load');
    expect(calls).toContain('show');
    expect(keeper.problem()).toBeNull();
  });

  it('shows the window after a short time even if no event comes at all', () => {
    const { calls, clock } = keep();
    clock.advance(2_999);
    expect(calls).not.toContain('show');
    clock.advance(1);
    expect(calls.filter((c) => c === 'show')).toHaveLength(1);
  });

  it('shows once, on whichever comes first', () => {
    const { calls, emit, web, clock } = keep();
    emit('ready-to-show');
    web.emit('did-finish-load');
    clock.advance(5_000);
    expect(calls.filter((c) => c === 'show')).toHaveLength(1);
  });

  it('retries a load that fails, with growing back-off, and reports it; never gives up', async () => {
    const { calls, clock, keeper, web } = keep(['reject', 'reject', 'ok']);
    await flush();
    expect(keeper.problem()).toMatch(/^screen: could not load app:\/\/rvm\/index.html \(ERR_FILE_NOT_FOUND\)/);
    clock.advance(1_000);
    await flush();
    expect(calls.filter((c) => c.startsWith('load:'))).toHaveLength(2);
    clock.advance(1_999);
    expect(calls.filter((c) => c.startsWith('load:'))).toHaveLength(2);
    clock.advance(1);
    expect(calls.filter((c) => c.startsWith('load:'))).toHaveLength(3);
    web.emit('did-finish-load');
    expect(keeper.problem()).toBeNull();
  });

  it('Electron’s error page after a failed load does not count as the app: back-off grows, the watchdog hears of it', async () => {
    const loads: Array<'ok' | 'reject'> = Array.from({ length: 20 }, () => 'reject');
    const { calls, clock, keeper, web } = keep(loads);
    const loadsAfter = (ms: number) => {
      clock.advance(ms);
      return calls.filter((c) => c.startsWith('load:')).length;
    };
    const failOnce = async () => {
      web.emit('did-fail-load', {}, -6, 'ERR_FILE_NOT_FOUND', 'app://rvm/index.html', true);
      web.emit('did-finish-load'); // Electron's error page
      await flush();
    };
    await failOnce();
    expect(loadsAfter(1_000)).toBe(2);
    await failOnce();
    expect(loadsAfter(1_999)).toBe(2);
    expect(loadsAfter(1)).toBe(3);
    for (let i = 0; i < 6; i++) {
      await failOnce();
      clock.advance(30_000);
    }
    expect(keeper.deadProblem()).toMatch(/^screen: could not load/);
    expect(calls).toContain('show'); // shown all the same: the error page, not a black screen
  });

  it('a renderer that stays hung is reloaded, then crashed and reloaded; a watchdog matter only after minutes', () => {
    const { calls, emit, web, clock, keeper } = keep();
    web.emit('did-finish-load');
    emit('unresponsive');
    expect(keeper.problem()).toMatch(/renderer unresponsive/);
    clock.advance(10_000);
    expect(calls.filter((c) => c === 'reload')).toHaveLength(1);
    clock.advance(10_000);
    expect(calls).toContain('crash');
    web.emit('render-process-gone', {}, { reason: 'killed', exitCode: 9 });
    expect(calls.filter((c) => c === 'reload')).toHaveLength(2);
    expect(keeper.deadProblem()).toBeNull();
    clock.advance(120_000);
    expect(keeper.deadProblem()).toMatch(/^screen: renderer gone \(killed, exit 9\) for 140 s/);
    web.emit('did-finish-load');
    expect(keeper.deadProblem()).toBeNull();
  });

  it('a renderer that answers again is left alone', () => {
    const { calls, emit, web, clock, keeper } = keep();
    web.emit('did-finish-load');
    emit('unresponsive');
    clock.advance(5_000);
    emit('responsive');
    clock.advance(60_000);
    expect(calls).not.toContain('reload');
    expect(calls).not.toContain('crash');
    expect(keeper.problem()).toBeNull();
  });

  it('reloads a crashed renderer at most 5 times a minute, then once each 30 s', () => {
    const { calls, web, clock } = keep();
    for (let i = 0; i < 8; i++) web.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(calls.filter((c) => c === 'reload')).toHaveLength(5);
    clock.advance(30_000);
    expect(calls.filter((c) => c === 'reload')).toHaveLength(6);
  });
});
