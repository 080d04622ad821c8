import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApi, contract, ok, type AppInfo, type Heartbeat } from '../src-preload/contract';
import { App } from './App';
import { idle } from './customer/fake-main';
import { indicatorOf, useKioskStore } from './stores/kiosk.store';
import type { Connection } from './transport/api';
import type { LinkState } from './transport/ws-transport';

const info: AppInfo = {
  name: 'RVM Kiosk',
  version: '1.2.3',
  environment: 'production',
  machineName: 'RVM Plaza Senayan',
  defaultLocale: 'id',
  timeZone: 'Asia/Jakarta',
  runtime: 'headless',
  nodeVersion: '24.0.0',
  electronVersion: null,
  platform: 'linux',
  arch: 'x64',
};

/** An in-memory main process: answers app.info and deposit.state, and lets the test push heartbeats and link states. */
function fakeMain() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const linkListeners = new Set<(s: LinkState) => void>();
  const answers: Record<string, unknown> = { 'app.info': info, 'deposit.state': idle };
  const api = buildApi(contract, {
    invoke: async (channel) =>
      channel in answers ? ok(answers[channel]) : { ok: false, error: { code: 'INTERNAL', message: 'n/a' } },
    subscribe: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set.add(listener));
      return () => set.delete(listener);
    },
  });
  const connection: Connection = {
    api,
    transport: 'ws',
    onLinkState: (l) => {
      linkListeners.add(l);
      l('open');
      return () => linkListeners.delete(l);
    },
  };
  let seq = 0;
  return {
    connection,
    beat: (status: Heartbeat['status']) =>
      act(() => {
        const payload = { seq: seq++, at: new Date().toISOString(), status, reasons: [], intervalMs: 1000 };
        listeners.get('app.heartbeat')?.forEach((l) => l(payload));
      }),
    link: (state: LinkState) => act(() => linkListeners.forEach((l) => l(state))),
    subscribers: () => listeners.get('app.heartbeat')?.size ?? 0,
  };
}

beforeEach(() => {
  useKioskStore.setState({
    info: undefined,
    locale: 'id',
    link: 'connecting',
    heartbeat: undefined,
    heartbeatAt: undefined,
    deposit: undefined,
  });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('attract screen', () => {
  it('shows the machine name and says "ready" with the first heartbeat; Start waits for it', async () => {
    const main = fakeMain();
    render(<App connection={main.connection} />);
    expect(await screen.findByText('RVM Plaza Senayan')).toBeTruthy();
    expect(screen.getByRole('status').dataset.indicator).toBe('connecting');
    expect(screen.getByRole('status').textContent).toBe('Menghubungkan…');
    expect(screen.getByRole('button', { name: 'Mulai' }).hasAttribute('disabled')).toBe(true);
    main.beat('ok');
    expect(screen.getByRole('status').dataset.indicator).toBe('online');
    expect(screen.getByRole('status').textContent).toBe('Siap digunakan');
    expect(screen.getByRole('button', { name: 'Mulai' }).hasAttribute('disabled')).toBe(false);
  });

  it('a degraded machine (platform unreachable, slow) still says "ready" to customers: it takes items', async () => {
    const main = fakeMain();
    render(<App connection={main.connection} />);
    await screen.findByText('RVM Plaza Senayan');
    main.beat('degraded');
    expect(screen.getByRole('status').dataset.indicator).toBe('degraded');
    expect(screen.getByRole('status').textContent).toBe('Siap digunakan');
    expect(document.body.textContent).not.toMatch(/Terganggu|lambat/);
  });

  it('switches between Indonesian and English with one large button', async () => {
    const main = fakeMain();
    render(<App connection={main.connection} />);
    await screen.findByText('RVM Plaza Senayan');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Kembalikan botol & kaleng');
    expect(document.documentElement.lang).toBe('id');
    // The toggle reads the other language's own name, and that is its accessible name too.
    fireEvent.click(screen.getByRole('button', { name: 'English' }));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Return bottles & cans');
    expect(document.documentElement.lang).toBe('en');
    expect(screen.getByText('Version 1.2.3')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Bahasa Indonesia' }));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Kembalikan botol & kaleng');
  });

  it('tells customers plainly when the machine is out of service, without technical reasons', async () => {
    const main = fakeMain();
    render(<App connection={main.connection} />);
    await screen.findByText('RVM Plaza Senayan');
    main.beat('out_of_service');
    expect(screen.getByRole('alert').textContent).toContain('Sementara tidak tersedia');
    expect(screen.getByRole('status').textContent).toBe('Sementara tidak tersedia');
    expect(screen.getByRole('status').dataset.indicator).toBe('degraded');
    expect(screen.queryByRole('button', { name: 'Mulai' })).toBeNull();
  });

  it('shows offline when the link closes, and unsubscribes on unmount', async () => {
    const main = fakeMain();
    const view = render(<App connection={main.connection} />);
    await screen.findByText('RVM Plaza Senayan');
    main.beat('ok');
    main.link('closed');
    expect(screen.getByRole('status').dataset.indicator).toBe('offline');
    expect(screen.getByRole('alert').textContent).toContain('Layar tidak terhubung ke mesin.');
    expect(main.subscribers()).toBe(1);
    view.unmount();
    expect(main.subscribers()).toBe(0);
  });
});

describe('indicatorOf', () => {
  const beat = (status: Heartbeat['status']): Heartbeat => ({ seq: 1, at: '', status, reasons: [], intervalMs: 1000 });
  it('goes offline when heartbeats stop arriving', () => {
    expect(indicatorOf({ link: 'open', heartbeat: beat('ok'), heartbeatAt: 10_000 }, 11_000)).toBe('online');
    expect(indicatorOf({ link: 'open', heartbeat: beat('ok'), heartbeatAt: 10_000 }, 12_600)).toBe('offline');
    expect(indicatorOf({ link: 'open', heartbeat: beat('degraded'), heartbeatAt: 10_000 }, 10_500)).toBe('degraded');
    expect(indicatorOf({ link: 'open', heartbeat: undefined, heartbeatAt: undefined }, 0)).toBe('connecting');
    expect(indicatorOf({ link: 'closed', heartbeat: beat('ok'), heartbeatAt: 10_000 }, 10_001)).toBe('offline');
    // Retrying after a loss, with a heartbeat still fresh: not online (no Start flickering back).
    expect(indicatorOf({ link: 'connecting', heartbeat: beat('ok'), heartbeatAt: 10_000 }, 10_001)).toBe('offline');
    expect(indicatorOf({ link: 'connecting', heartbeat: undefined, heartbeatAt: undefined }, 0)).toBe('connecting');
  });
});
