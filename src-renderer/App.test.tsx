import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApi, contract, ok, type AppInfo, type Heartbeat } from '../src-preload/contract';
import { App } from './App';
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

/** An in-memory main process: answers app.info and lets the test push heartbeats and link states. */
function fakeMain() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const linkListeners = new Set<(s: LinkState) => void>();
  const api = buildApi(contract, {
    invoke: async (channel) =>
      channel === 'app.info' ? ok(info) : { ok: false, error: { code: 'INTERNAL', message: 'n/a' } },
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
  });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('attract screen', () => {
  it('shows the machine name and turns the indicator online with the first heartbeat', async () => {
    const main = fakeMain();
    render(<App connection={main.connection} />);
    expect(await screen.findByText('RVM Plaza Senayan')).toBeTruthy();
    expect(screen.getByRole('status').dataset.indicator).toBe('connecting');
    main.beat('ok');
    expect(screen.getByRole('status').dataset.indicator).toBe('online');
    expect(screen.getByRole('status').textContent).toBe('Terhubung');
    expect(screen.getByTestId('status-banner').textContent).toBe('Mesin siap');
  });

  it('switches between Indonesian and English with one large button', async () => {
    const main = fakeMain();
    render(<App connection={main.connection} />);
    await screen.findByText('RVM Plaza Senayan');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Kembalikan botol & kaleng');
    expect(document.documentElement.lang).toBe('id');
    fireEvent.click(screen.getByRole('button', { name: 'Bahasa' }));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Return bottles & cans');
    expect(document.documentElement.lang).toBe('en');
    expect(screen.getByText('Version 1.2.3')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Language' }));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Kembalikan botol & kaleng');
  });

  it('tells customers plainly when the machine is out of service, without technical reasons', async () => {
    const main = fakeMain();
    render(<App connection={main.connection} />);
    await screen.findByText('RVM Plaza Senayan');
    main.beat('out_of_service');
    expect(screen.getByRole('alert').textContent).toContain('tidak dapat menerima barang');
    expect(screen.getByRole('status').dataset.indicator).toBe('degraded');
  });

  it('shows offline when the link closes, and unsubscribes on unmount', async () => {
    const main = fakeMain();
    const view = render(<App connection={main.connection} />);
    await screen.findByText('RVM Plaza Senayan');
    main.beat('ok');
    main.link('closed');
    expect(screen.getByRole('status').dataset.indicator).toBe('offline');
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
  });
});
