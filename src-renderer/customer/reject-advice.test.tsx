import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REJECT_REASONS, type DepositState, type ItemResult, type RejectReason } from '../../src-preload/contract';
import { en } from '../i18n/en';
import { id } from '../i18n/id';
import { useKioskStore } from '../stores/kiosk.store';
import { idle, renderAt } from './fake-main';
import { rejectAdvice } from './reject-advice';

// Part 4 of #19: every reject says what to do, with a pictogram; the how-to-insert guide.
// Part 3: the money value next to points on the insert screen.

beforeEach(() => {
  useKioskStore.setState({ deposit: undefined, catalogue: undefined, lastItem: undefined, locale: 'id' });
});
afterEach(cleanup);

const inserting: DepositState = {
  ...idle,
  state: 'inserting',
  sessionId: 'S1',
  identity: { kind: 'guest' },
  deadlineAt: Date.now() + 90_000,
};
const rejected = (reason: RejectReason, className = 'cup', seq = 1): ItemResult => ({
  itemId: `I${seq}`,
  sessionId: 'S1',
  seq,
  accepted: false,
  className,
  material: null,
  points: 0,
  reason,
});

describe('reject advice', () => {
  it('has an instruction in both languages and a pictogram for every reason', () => {
    for (const reason of REJECT_REASONS) {
      const advice = rejectAdvice(reason, 'cup');
      expect(id[advice.key], reason).toEqual(expect.any(String));
      expect(en[advice.key], reason).toEqual(expect.any(String));
      expect(advice.pictogram, reason).toEqual(expect.any(String));
    }
  });

  it('reads the class name of a rejected class: a full bottle, a hand, anything else', () => {
    expect(rejectAdvice('reject_class', 'not_empty').key).toBe('advice.empty');
    expect(rejectAdvice('reject_class', 'bottle_full').key).toBe('advice.empty');
    expect(rejectAdvice('reject_class', 'hand').key).toBe('advice.hand');
    expect(rejectAdvice('reject_class', 'person').key).toBe('advice.hand');
    expect(rejectAdvice('reject_class', 'cup').key).toBe('advice.material');
    // Only reject_class is read by its class: a full-looking name under another reason keeps that reason's words.
    expect(rejectAdvice('multiple_items', 'not_empty').key).toBe('advice.one');
  });

  it('says on the card what to do, with a pictogram hidden from screen readers', async () => {
    const main = await renderAt(inserting);
    const cases: Array<[RejectReason, string, string, string]> = [
      ['reject_class', 'not_empty', 'Kosongkan botol terlebih dahulu', 'empty'],
      ['reject_class', 'hand', 'Keluarkan tangan Anda dari ruang mesin', 'hand'],
      ['multiple_items', 'pet_bottle', 'Satu barang setiap kali', 'one'],
      ['reject_class', 'cup', 'Hanya botol PET dan kaleng', 'material'],
      ['ineligible_barcode', 'pet_bottle', 'Barcode ini tidak ikut program', 'barcode'],
    ];
    for (const [n, [reason, className, words, pictogram]] of cases.entries()) {
      main.item(rejected(reason, className, n + 1));
      const card = screen.getByRole('alert');
      expect(screen.getByTestId('reject-advice').textContent).toBe(words);
      const svg = card.querySelector('svg')!;
      expect(svg.getAttribute('aria-hidden')).toBe('true');
      expect(svg.dataset.pictogram).toBe(pictogram);
    }
    act(() => useKioskStore.getState().setLocale('en'));
    expect(screen.getByTestId('reject-advice').textContent).toBe('This barcode is not in the scheme');
  });
});

describe('how to insert', () => {
  it('shows three steps with pictograms on attract and on insert until an item arrives', async () => {
    await renderAt(idle);
    const guide = screen.getByRole('list', { name: 'Cara memasukkan' });
    expect([...guide.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Hanya botol dan kaleng kosong',
      'Satu per satu, label menghadap kamera',
      'Tunggu centang hijau',
    ]);
    expect(guide.querySelectorAll('svg[aria-hidden="true"]')).toHaveLength(3);
    cleanup();

    const main = await renderAt(inserting);
    act(() => useKioskStore.getState().setLocale('en'));
    expect(screen.getByRole('list', { name: 'How to insert' }).textContent).toContain('Wait for the green tick');
    main.item(rejected('multiple_items'));
    expect(screen.queryByTestId('insert-guide')).toBeNull();
  });
});

describe('money next to points', () => {
  const accepted: ItemResult = {
    ...rejected('reject_class'),
    accepted: true,
    material: 'pet',
    points: 10,
    reason: null,
  };

  it('shows the value of the running total and of the accepted item (1 point = Rp 10)', async () => {
    const main = await renderAt(inserting);
    expect(screen.getByTestId('total-value').textContent).toMatch(/^senilai Rp\s?0$/);
    main.item(accepted);
    main.session({ ...inserting, acceptedCount: 1, totalPoints: 10 });
    expect(screen.getByTestId('total-value').textContent).toMatch(/^senilai Rp\s?100$/);
    expect(screen.getByTestId('item-value').textContent).toMatch(/^senilai Rp\s?100$/);
    act(() => useKioskStore.getState().setLocale('en'));
    expect(screen.getByTestId('item-value').textContent).toMatch(/^worth IDR\s?100$/);
  });

  it('says no money where points have no money value', async () => {
    const main = await renderAt(inserting);
    act(() => useKioskStore.setState((s) => ({ catalogue: { ...s.catalogue!, pointValue: null } })));
    main.item(accepted);
    expect(screen.getByTestId('item-card').textContent).toContain('+10');
    expect(screen.queryByTestId('item-value')).toBeNull();
    expect(screen.queryByTestId('total-value')).toBeNull();
  });
});
