import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OUT_OF_SERVICE_CODES, type DepositState, type ItemResult } from '../../src-preload/contract';
import { useKioskStore } from '../stores/kiosk.store';
import { idle, renderAt } from './fake-main';
import { fitContain, toCanvasBox } from './geometry';
import { ITEM_CARD_MS } from './InsertScreen';
import { OUT_OF_SERVICE_MESSAGES, plainReason } from './out-of-service';
import { en } from '../i18n/en';
import { id } from '../i18n/id';

beforeEach(() => {
  useKioskStore.setState({ deposit: undefined, catalogue: undefined, lastItem: undefined, locale: 'id' });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('insert', () => {
  const inserting: DepositState = {
    ...idle,
    state: 'inserting',
    sessionId: 'S1',
    identity: { kind: 'donation' },
    deadlineAt: Date.now() + 90_000,
  };
  const item = (accepted: boolean, seq: number): ItemResult => ({
    itemId: `I${seq}`,
    sessionId: 'S1',
    seq,
    accepted,
    className: accepted ? 'pet_bottle' : 'cup',
    material: accepted ? 'pet' : null,
    points: accepted ? 10 : 0,
    reason: accepted ? null : 'reject_class',
  });

  it('shows each result as a big short-lived card and the running totals; Finish ends the session', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const main = await renderAt(inserting);
    main.item(item(true, 1));
    main.session({ ...inserting, acceptedCount: 1, totalPoints: 10 });
    const card = screen.getByTestId('item-card');
    expect(card.dataset.accepted).toBe('true');
    expect(card.textContent).toContain('Botol plastik (PET)');
    expect(card.textContent).toContain('+10');
    expect(screen.getByTestId('total-points').textContent).toBe('10');
    main.item(item(false, 2));
    expect(screen.getByRole('alert').textContent).toContain('Hanya botol PET dan kaleng');
    expect(screen.getByRole('alert').textContent).toContain('silakan ambil kembali');
    act(() => vi.advanceTimersByTime(ITEM_CARD_MS + 500));
    expect(screen.queryByTestId('item-card')).toBeNull();
    vi.useRealTimers();
    fireEvent.click(screen.getByRole('button', { name: 'Selesai' }));
    expect(main.calls('deposit.finish')).toHaveLength(1);
  });

  it('English on the same screen', async () => {
    await renderAt(inserting);
    act(() => useKioskStore.getState().setLocale('en'));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Insert one bottle or can');
    expect(screen.getByRole('button', { name: 'Finish' })).toBeTruthy();
  });
});

describe('receipt', () => {
  // Print jobs are kept by session for the whole file: each print test has a session of its own.
  const receiptOf = (
    identity: DepositState['identity'],
    extra: Partial<NonNullable<DepositState['receipt']>> = {},
  ): DepositState => ({
    ...idle,
    state: 'receipt' as const,
    sessionId: extra.sessionId ?? 'S1',
    identity,
    deadlineAt: Date.now() + 15_000,
    receipt: {
      sessionId: 'S1',
      identity: identity!,
      acceptedCount: 3,
      totalPoints: 35,
      value: { amount: 350, currency: 'IDR' },
      voucher: null,
      willSync: false,
      ...extra,
    },
  });
  // Noon UTC: 12 December 2026 in every time zone a test machine might use.
  const voucher = {
    id: 'V-01ABC',
    payload: 'RVM2.RVM-E2E.4006381333931.35.350IDR.abc.def.sig',
    number: '4006381333931',
    expiresAt: Date.UTC(2026, 11, 12, 12),
  };

  it('names the member and counts down to the start; Done ends it now', async () => {
    const main = await renderAt(receiptOf({ kind: 'member', memberId: '501', name: 'Siti' }));
    expect(screen.getByTestId('receipt-points').textContent).toBe('35 poin');
    expect(screen.getByTestId('receipt-whose').textContent).toBe('Poin masuk ke akun Siti.');
    expect(screen.getByTestId('countdown').textContent).toMatch(/Kembali ke awal dalam 1[45] dtk/);
    expect(screen.queryByTestId('will-sync')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Selesai' }));
    expect(main.calls('deposit.done')).toHaveLength(1);
  });

  it('shows the voucher: QR code, the number in groups, valid until, and the money value; sync when offline', async () => {
    await renderAt(receiptOf({ kind: 'voucher' }, { voucher, willSync: true }));
    expect(screen.getByRole('img', { name: 'Kode voucher' }).getAttribute('data-qr')).toBe(voucher.payload);
    expect(screen.getByTestId('voucher-number').textContent).toBe('4006 3813 33931');
    expect(screen.getByTestId('voucher-expires').textContent).toBe('Berlaku sampai 12 Desember 2026');
    expect(screen.getByTestId('receipt-value').textContent).toMatch(/^senilai Rp\s?350$/);
    expect(screen.getByTestId('receipt-whose').textContent).toBe('Pindai voucher ini untuk menukar poin Anda.');
    expect(screen.getByTestId('will-sync').textContent).toContain('offline');
    act(() => useKioskStore.getState().setLocale('en'));
    expect(screen.getByTestId('voucher-expires').textContent).toBe('Valid until 12 December 2026');
    expect(screen.getByTestId('receipt-value').textContent).toMatch(/^worth IDR\s?350$/);
  });

  it('says nothing of a voucher when there is none (a voucher session with no points), nor of printing without a printer', async () => {
    await renderAt(receiptOf({ kind: 'voucher' }, { totalPoints: 0, acceptedCount: 0, value: null }));
    expect(screen.getByTestId('receipt-whose').textContent).toBe('Terima kasih telah mendaur ulang.');
    expect(screen.queryByTestId('voucher')).toBeNull();
    expect(screen.queryByTestId('receipt-value')).toBeNull();
    expect(screen.queryByRole('img')).toBeNull();
    expect(document.body.textContent).not.toMatch(/voucher/i);
    expect(screen.queryByTestId('print-receipt')).toBeNull();
  });

  it('follows the voucher print: printing, take it; a failed print keeps the code on screen', async () => {
    const main = await renderAt(receiptOf({ kind: 'voucher' }, { sessionId: 'P1', voucher }));
    main.print('OTHER', 'failed');
    expect(screen.queryByTestId('print-state')).toBeNull();
    main.print('P1', 'printing');
    expect(screen.getByTestId('print-state').textContent).toBe('Mencetak voucher Anda…');
    main.print('P1', 'printed');
    expect(screen.getByTestId('print-state').textContent).toBe('Ambil voucher Anda dari printer');
    cleanup();

    const failing = await renderAt(receiptOf({ kind: 'voucher' }, { sessionId: 'P2', voucher }));
    failing.print('P2', 'printing');
    failing.print('P2', 'failed');
    expect(screen.getByTestId('print-state').textContent).toBe(
      'Printer tidak berfungsi. Voucher Anda ada di layar: pindai atau foto kodenya, atau catat nomornya.',
    );
    expect(screen.getByRole('img', { name: 'Kode voucher' }).getAttribute('data-qr')).toBe(voucher.payload);
    expect(screen.getByTestId('voucher-number').textContent).toBe('4006 3813 33931');
  });

  it('offers "Print receipt" only with a receipt printer, and prints in the customer’s language', async () => {
    await renderAt(receiptOf({ kind: 'guest' }, { sessionId: 'P3' }));
    expect(screen.queryByTestId('print-receipt')).toBeNull();
    cleanup();

    const main = await renderAt(receiptOf({ kind: 'member', memberId: '501' }, { sessionId: 'P4' }), {
      receiptPrinter: true,
    });
    act(() => useKioskStore.getState().setLocale('en'));
    fireEvent.click(screen.getByRole('button', { name: 'Print receipt' }));
    expect(main.calls('payout.printReceipt')).toEqual([{ sessionId: 'P4', locale: 'en' }]);
    expect(screen.getByTestId('print-state').textContent).toBe('Printing your receipt…');
    expect(screen.queryByTestId('print-receipt')).toBeNull();
    expect(await screen.findByText('Take your receipt')).toBeTruthy();
    cleanup();

    const failing = await renderAt(receiptOf({ kind: 'guest' }, { sessionId: 'P5' }), {
      receiptPrinter: true,
      print: 'failed',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Print receipt' }));
    expect(await screen.findByText('The printer is not working, sorry: no paper receipt this time.')).toBeTruthy();
    expect(failing.calls('payout.printReceipt')).toHaveLength(1);
  });

  it('tells the customer when the machine could not take the last item in (no points for it)', async () => {
    const lastItem = {
      itemId: 'I2',
      sessionId: 'S1',
      seq: 2,
      accepted: false,
      className: 'mineral',
      material: 'pet',
      points: 0,
      reason: 'not_taken' as const,
    };
    await renderAt({ ...receiptOf({ kind: 'guest' }), lastItem });
    expect(screen.getByTestId('not-taken').textContent).toBe(
      'Mesin tidak dapat menerima barang ini. Silakan ambil kembali',
    );
  });
});

describe('overlay geometry and plain reasons', () => {
  it('maps a box in source pixels onto a letterboxed canvas of any size', () => {
    // 1280×720 into 800×800: scale 0.625, bars of 175 px top and bottom.
    const fit = fitContain(1280, 720, 800, 800);
    expect(fit).toEqual({ scale: 0.625, offsetX: 0, offsetY: 175, width: 800, height: 450 });
    expect(toCanvasBox([100, 200, 300, 600], fit)).toEqual([62.5, 300, 125, 250]);
    // Into a wide canvas: bars left and right.
    const wide = fitContain(1280, 720, 1600, 600);
    expect(toCanvasBox([0, 0, 1280, 720], wide)).toEqual([(1600 - 1280 * (600 / 720)) / 2, 0, 1280 * (600 / 720), 600]);
  });

  it('turns a reason into a plain sentence by its code, never its technical detail', () => {
    expect(plainReason({ code: 'bin', detail: 'bin full' })).toBe('oos.bin');
    expect(plainReason({ code: 'vision', detail: 'the model cannot run: bad file' })).toBe('oos.vision');
    expect(plainReason({ code: 'storage', detail: 'storage full: SQLITE_FULL' })).toBe('oos.store');
    expect(plainReason({ code: 'hardware', detail: 'hardware fault: door jammed' })).toBe('oos.hardware');
    expect(plainReason({ code: 'status', detail: 'maintenance: closed by a technician' })).toBe('oos.maintenance');
  });

  it('has words for every out-of-service code in both languages', () => {
    for (const code of OUT_OF_SERVICE_CODES) {
      const key = OUT_OF_SERVICE_MESSAGES[code];
      expect(en[key], `${code} in English`).toEqual(expect.any(String));
      expect(id[key], `${code} in Indonesian`).toEqual(expect.any(String));
    }
  });
});
