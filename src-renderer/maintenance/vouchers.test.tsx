import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApi, contract, ok, type Result, type VoucherListRow } from '../../src-preload/contract';
import { ApiContext } from '../api-context';
import { useKioskStore } from '../stores/kiosk.store';
import { Vouchers } from './Vouchers';

const ISSUED = Date.UTC(2026, 10, 12, 7, 5);
const DAY = 86_400_000;

const row = (i: number, redeemed = false): VoucherListRow => ({
  id: `V${i}`,
  sessionId: `S${i}`,
  number: String(4006381333000 + i),
  points: 35,
  value: { amount: 350, currency: 'IDR' },
  createdAt: ISSUED + i * 60_000,
  expiresAt: ISSUED + 30 * DAY,
  redeemedAt: redeemed ? ISSUED + DAY : null,
  redeemedBy: redeemed ? 'till 2 (192.168.1.20)' : null,
  printedAt: i % 2 === 0 ? ISSUED : null,
});

/** Main's payout side: 60 vouchers (every third redeemed), one drive, the key; records each call. */
function fakeMain() {
  const calls: Array<[string, unknown]> = [];
  const all = Array.from({ length: 60 }, (_, i) => row(i + 1, (i + 1) % 3 === 0));
  const api = buildApi(contract, {
    invoke: async (channel, payload): Promise<Result<unknown>> => {
      calls.push([channel, payload]);
      if (channel === 'payout.vouchers') {
        const { filter, limit, offset } = payload as { filter: string; limit: number; offset: number };
        const rows = all.filter((v) => filter === 'all' || (filter === 'redeemed') === (v.redeemedAt !== null));
        return ok({ rows: rows.slice(offset, offset + limit), issued: 60, redeemed: 20, openPoints: 1400 });
      }
      if (channel === 'payout.reprint') {
        const { sessionId } = payload as { sessionId: string };
        return sessionId === 'S1'
          ? ok({ sessionId, state: 'printed', fault: null, detail: null })
          : ok({ sessionId, state: 'failed', fault: 'paper_out', detail: 'put in a new roll' });
      }
      if (channel === 'maintenance.exportTargets') return ok([{ path: '/media/usb/STICK', freeMb: 812.4 }]);
      if (channel === 'payout.exportVouchers') return ok({ path: '/media/usb/STICK/vouchers-RVM-1.csv', rows: 60 });
      if (channel === 'payout.publicKey') {
        return ok({ machineId: 'RVM-1', pem: 'PEM', line: 'RVMKEY1.RVM-1.MCowBQYDK2VwAyEA', fingerprint: 'ab:cd:ef' });
      }
      return { ok: false, error: { code: 'UNAVAILABLE', message: 'not in this test' } };
    },
    subscribe: () => () => undefined,
  });
  return { api, calls: (channel: string) => calls.filter(([c]) => c === channel).map(([, p]) => p) };
}

async function renderVouchers() {
  const main = fakeMain();
  render(
    <ApiContext.Provider value={main.api}>
      <Vouchers />
    </ApiContext.Provider>,
  );
  await act(async () => undefined);
  return main;
}

const shown = () => [...document.querySelectorAll('[data-voucher]')].map((li) => li.getAttribute('data-voucher'));
const tap = (name: string | RegExp) => act(async () => fireEvent.click(screen.getByRole('button', { name })));

beforeEach(() => useKioskStore.setState({ locale: 'en' }));
afterEach(cleanup);

describe('vouchers tab', () => {
  it('counts, lists 50 at a time with "more", and filters', async () => {
    const main = await renderVouchers();
    const counts = screen.getByTestId('voucher-counts');
    expect(within(counts).getByText('60')).toBeTruthy();
    expect(within(counts).getByText('20')).toBeTruthy();
    expect(within(counts).getByText('1400')).toBeTruthy();
    expect(shown()).toHaveLength(50);
    const first = document.querySelector('[data-voucher="V1"]')!;
    expect(first.textContent).toContain('4006 3813 33001');
    expect(first.textContent).toContain('35 points');
    expect(first.textContent).toMatch(/IDR\s?350/);
    expect(first.textContent).toContain('not printed');
    expect(document.querySelector('[data-voucher="V3"]')!.textContent).toContain('by till 2 (192.168.1.20)');

    await tap('Show more');
    expect(shown()).toHaveLength(60);
    expect(main.calls('payout.vouchers').at(-1)).toEqual({ filter: 'all', limit: 50, offset: 50 });
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();

    await tap('Redeemed');
    expect(main.calls('payout.vouchers').at(-1)).toEqual({ filter: 'redeemed', limit: 50, offset: 0 });
    expect(shown()).toHaveLength(20);
    expect(screen.getByRole('button', { name: 'Redeemed' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('shows times in the technician’s language, a 24-hour clock in Indonesian', async () => {
    useKioskStore.setState({ locale: 'id' });
    await renderVouchers();
    const text = document.querySelector('[data-voucher="V2"]')!.textContent!;
    expect(text).toMatch(/Terbit \d{1,2} Nov 2026,? \d{2}[.:]\d{2}/);
    expect(text).not.toMatch(/AM|PM/);
  });

  it('reprints a voucher and says how it went, in words for a fault', async () => {
    const main = await renderVouchers();
    const reprintOf = (id: string) =>
      act(async () =>
        fireEvent.click(
          within(document.querySelector(`[data-voucher="${id}"]`)!).getByRole('button', { name: 'Reprint' }),
        ),
      );
    await reprintOf('V1');
    expect(main.calls('payout.reprint')).toEqual([{ sessionId: 'S1' }]);
    expect(screen.getByTestId('outcome').textContent).toBe('Printed.');
    await reprintOf('V2');
    expect(screen.getByTestId('outcome').textContent).toBe('Not printed: paper out. put in a new roll');
    expect(screen.getByTestId('outcome').className).toContain('outcome--error');
  });

  it('exports the CSV to the chosen drive', async () => {
    const main = await renderVouchers();
    await tap('Export CSV to /media/usb/STICK (812 MB free)');
    expect(main.calls('payout.exportVouchers')).toEqual([{ target: '/media/usb/STICK' }]);
    expect(screen.getByTestId('outcome').textContent).toBe(
      'Done: 60 vouchers written to /media/usb/STICK/vouchers-RVM-1.csv',
    );
  });

  it('shows the machine’s public key as text and as a QR code', async () => {
    await renderVouchers();
    expect(screen.getByTestId('key-fingerprint').textContent).toBe('Fingerprint ab:cd:ef');
    expect(screen.getByTestId('key-line').textContent).toBe('RVMKEY1.RVM-1.MCowBQYDK2VwAyEA');
    const qr = within(screen.getByTestId('voucher-key')).getByRole('img');
    expect(qr.getAttribute('data-qr')).toBe('RVMKEY1.RVM-1.MCowBQYDK2VwAyEA');
  });
});
