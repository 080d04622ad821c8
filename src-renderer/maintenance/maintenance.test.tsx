import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApi, contract, ok, type PinPadState, type PrinterState, type Result } from '../../src-preload/contract';
import { ApiContext } from '../api-context';
import { useKioskStore } from '../stores/kiosk.store';
import { HiddenCorner, LONG_PRESS_MS } from './HiddenCorner';
import { Alerts } from './Alerts';
import { Controls } from './Controls';
import { PinPad } from './PinPad';
import { Printer } from './Printer';

/** Main's answers to the PIN pad: a pad state, then what each unlock answers. */
function fakeMain(pad: PinPadState, unlock: (pin: string) => Result<unknown>) {
  const pins: string[] = [];
  const api = buildApi(contract, {
    invoke: async (channel, payload) => {
      if (channel === 'maintenance.pad') return ok(pad);
      if (channel === 'maintenance.unlock') {
        const { pin } = payload as { pin: string };
        pins.push(pin);
        return unlock(pin);
      }
      return { ok: false, error: { code: 'UNAVAILABLE', message: 'not in this test' } };
    },
    subscribe: () => () => undefined,
  });
  return { api, pins };
}

const OPEN: PinPadState = { lockedUntil: null, remainingAttempts: 5, configured: true };

describe('technician access', () => {
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
    useKioskStore.setState({ locale: 'en' });
  });

  it('the corner opens the pad only after a long press', () => {
    vi.useFakeTimers();
    const onOpen = vi.fn();
    render(<HiddenCorner onOpen={onOpen} />);
    const corner = screen.getByTestId('maintenance-corner');
    fireEvent.pointerDown(corner);
    act(() => vi.advanceTimersByTime(LONG_PRESS_MS - 100));
    fireEvent.pointerUp(corner);
    act(() => vi.advanceTimersByTime(5000));
    expect(onOpen).not.toHaveBeenCalled();
    fireEvent.pointerDown(corner);
    act(() => vi.advanceTimersByTime(LONG_PRESS_MS));
    expect(onOpen).toHaveBeenCalledTimes(1);
  });

  it('sends the six digits once complete, shows attempts left, and unlocks', async () => {
    useKioskStore.setState({ locale: 'en' });
    const main = fakeMain(OPEN, (pin) =>
      ok(
        pin === '246810'
          ? {
              granted: true,
              session: {
                technician: 'Agus',
                permissions: ['view_status'],
                source: 'local',
                openedAt: 1,
                idleUntil: 2,
              },
            }
          : { granted: false, reason: 'wrong_pin', pad: { ...OPEN, remainingAttempts: 4 } },
      ),
    );
    const onUnlocked = vi.fn();
    render(
      <ApiContext.Provider value={main.api}>
        <PinPad onClose={() => undefined} onUnlocked={onUnlocked} />
      </ApiContext.Provider>,
    );
    const press = async (pin: string) => {
      for (const d of pin) await act(async () => fireEvent.click(screen.getByRole('button', { name: d })));
    };
    await press('12345');
    expect(main.pins).toEqual([]);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Delete' })));
    await press('56');
    expect(main.pins).toEqual(['123456']);
    expect(await screen.findByText('Wrong PIN. 4 attempts left.')).toBeTruthy();
    // The digits are never shown, only dots.
    expect(screen.queryByText(/123456/)).toBeNull();
    await press('246810');
    expect(onUnlocked).toHaveBeenCalledTimes(1);
  });

  it('a locked pad says until when and takes no digits; an unconfigured one says how to set a PIN up', async () => {
    useKioskStore.setState({ locale: 'en' });
    const locked = fakeMain(
      { lockedUntil: Date.UTC(2026, 10, 23, 9, 15), remainingAttempts: 0, configured: true },
      () => ok(null),
    );
    render(
      <ApiContext.Provider value={locked.api}>
        <PinPad onClose={() => undefined} onUnlocked={() => undefined} />
      </ApiContext.Provider>,
    );
    expect(await screen.findByText(/Too many wrong PINs\. Locked until/)).toBeTruthy();
    expect((screen.getByRole('button', { name: '1' }) as HTMLButtonElement).disabled).toBe(true);
    cleanup();
    const none = fakeMain({ lockedUntil: null, remainingAttempts: 5, configured: false }, () => ok(null));
    render(
      <ApiContext.Provider value={none.api}>
        <PinPad onClose={() => undefined} onUnlocked={() => undefined} />
      </ApiContext.Provider>,
    );
    expect(await screen.findByText(/No technician PIN is set up/)).toBeTruthy();
  });
});

describe('controls', () => {
  afterEach(cleanup);

  it('offers the choice for a database from another machine only when there is one, and asks first', async () => {
    useKioskStore.setState({ locale: 'en' });
    const calls: Array<[string, unknown]> = [];
    const renderControls = async (foreign: boolean) => {
      const api = buildApi(contract, {
        invoke: async (channel, payload) => {
          calls.push([channel, payload]);
          if (channel === 'maintenance.storeOwner') return ok({ foreign });
          if (channel === 'maintenance.resolveForeignStore')
            return ok({ detail: 'this machine now owns the database', restarting: true });
          return { ok: false, error: { code: 'UNAVAILABLE', message: 'not in this test' } };
        },
        subscribe: () => () => undefined,
      });
      render(
        <ApiContext.Provider value={api}>
          <Controls />
        </ApiContext.Provider>,
      );
      await act(async () => undefined);
    };
    await renderControls(false);
    expect(screen.queryByTestId('foreign-store')).toBeNull();
    cleanup();

    await renderControls(true);
    fireEvent.click(screen.getByRole('button', { name: 'Adopt it: deliver its deposits as this machine’s' }));
    expect(calls.some(([c]) => c === 'maintenance.resolveForeignStore')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Yes, do it' }));
    await act(async () => undefined);
    expect(calls).toContainEqual(['maintenance.resolveForeignStore', { choice: 'adopt' }]);
    expect(screen.getByTestId('outcome').textContent).toContain('this machine now owns the database');
    expect(screen.queryByTestId('foreign-store')).toBeNull();
  });
});

describe('printer card', () => {
  afterEach(cleanup);

  const PAPER_OUT: PrinterState = {
    configured: true,
    kind: 'tcp',
    connected: true,
    fault: 'paper_out',
    detail: 'the printer is out of paper: put in a new roll',
    paperLow: true,
    lastPrintAt: null,
    checkedAt: Date.UTC(2026, 10, 12, 7, 5),
  };

  /** The printer as main sees it, its changes pushed; the test page answers `testPage`. */
  function renderPrinter(testPage: Result<unknown>) {
    const calls: string[] = [];
    const listeners = new Set<(p: unknown) => void>();
    const api = buildApi(contract, {
      invoke: async (channel) => {
        calls.push(channel);
        if (channel === 'payout.printer') return ok(PAPER_OUT);
        if (channel === 'payout.testPage') return testPage;
        return { ok: false, error: { code: 'UNAVAILABLE', message: 'not in this test' } };
      },
      subscribe: (channel, listener) => {
        if (channel === 'payout.printerChanged') listeners.add(listener);
        return () => listeners.delete(listener);
      },
    });
    render(
      <ApiContext.Provider value={api}>
        <Printer />
      </ApiContext.Provider>,
    );
    return { calls, change: (state: PrinterState) => act(() => listeners.forEach((l) => l(state))) };
  }

  it('says the fault in words, stays current, and prints a test page', async () => {
    useKioskStore.setState({ locale: 'en' });
    const main = renderPrinter(ok({ sessionId: 'test-page', state: 'printed', fault: null, detail: null }));
    expect((await screen.findByTestId('printer-fault')).textContent).toBe('paper out');
    const card = screen.getByTestId('printer-card');
    expect(card.textContent).toContain('TCP');
    expect(card.textContent).toContain('put in a new roll');
    expect(card.textContent).toMatch(/Last print\s*never/);
    main.change({ ...PAPER_OUT, fault: 'cover_open', detail: 'the printer cover is open: close it' });
    expect(screen.getByTestId('printer-fault').textContent).toBe('cover open');
    main.change({ ...PAPER_OUT, fault: null, detail: null, paperLow: false });
    expect(screen.getByTestId('printer-fault').textContent).toBe('ready');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Print test page' })));
    expect(main.calls).toContain('payout.testPage');
    expect(screen.getByTestId('printer-outcome').textContent).toBe('Printed.');
  });

  it('shows why a test page was refused (no permission) or failed', async () => {
    useKioskStore.setState({ locale: 'id' });
    renderPrinter({ ok: false, error: { code: 'FORBIDDEN', message: 'Agus may not test_hardware' } });
    expect((await screen.findByTestId('printer-fault')).textContent).toBe('kertas habis');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cetak halaman uji' })));
    expect(screen.getByTestId('printer-outcome').textContent).toBe('Gagal: Agus may not test_hardware');
    cleanup();
    renderPrinter(ok({ sessionId: 'test-page', state: 'failed', fault: 'no_answer', detail: 'no answer in 2 s' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cetak halaman uji' })));
    expect(screen.getByTestId('printer-outcome').textContent).toBe('Tidak tercetak: tidak menjawab. no answer in 2 s');
  });
});

describe('alerts tab', () => {
  afterEach(cleanup);

  it('sends a test alert and says where it went, or why it could not', async () => {
    useKioskStore.setState({ locale: 'en' });
    const answers: Array<Result<unknown>> = [
      ok({ channels: ['email', 'webhook'] }),
      { ok: false, error: { code: 'UNAVAILABLE', message: 'no alert channel is configured' } },
    ];
    const calls: string[] = [];
    const api = buildApi(contract, {
      invoke: async (channel) => {
        calls.push(channel);
        return channel === 'monitor.testAlert' ? answers.shift()! : ok([]);
      },
      subscribe: () => () => undefined,
    });
    render(
      <ApiContext.Provider value={api}>
        <Alerts alerts={[]} onChange={async () => undefined} />
      </ApiContext.Provider>,
    );
    expect(screen.getByText('No alerts.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Send test alert' }));
    await act(async () => undefined);
    expect(screen.getByTestId('outcome').textContent).toContain('test alert queued for email, webhook');
    fireEvent.click(screen.getByRole('button', { name: 'Send test alert' }));
    await act(async () => undefined);
    expect(screen.getByTestId('outcome').textContent).toContain('no alert channel is configured');
    expect(calls.filter((c) => c === 'monitor.testAlert')).toHaveLength(2);
  });
});
