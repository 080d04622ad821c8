import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApi, contract, err, ok, type Result, type TrainingSample } from '../../src-preload/contract';
import { ApiContext } from '../api-context';
import { useKioskStore } from '../stores/kiosk.store';
import { TrainingData } from './TrainingData';

const SEEN = Date.UTC(2026, 2, 3, 9, 30);

const sample = (id: number, over: Partial<TrainingSample> = {}): TrainingSample => ({
  id,
  at: SEEN + id * 1000,
  modelVersion: 'chamber-v3',
  className: 'mineral',
  score: 0.42,
  box: [0.5, 0.5, 0.2, 0.6],
  accepted: false,
  reason: 'low_confidence',
  barcode: null,
  priority: 1,
  width: 400,
  height: 300,
  label: 'unreviewed',
  labelClass: null,
  labelBox: null,
  ...over,
});

/**
 * Main's dataset side: three unreviewed samples, one confirmed, a drive; records each call. `forbidden`:
 * the technician lacks the permissions of review (view_status) and export (view_logs).
 */
function fakeMain({ off = false, exportFails = false, forbidden = false } = {}) {
  const calls: Array<[string, unknown]> = [];
  const samples = [
    sample(11, { barcode: '8991234567890', accepted: true, reason: null, score: 0.91 }),
    sample(12, { className: 'unknown', box: null, reason: 'unknown_item', score: 0 }),
    sample(13, { className: 'soda' }),
    sample(9, { label: 'confirmed', labelClass: 'mineral', labelBox: [0.5, 0.5, 0.2, 0.6] }),
  ];
  const api = buildApi(contract, {
    invoke: async (channel, payload): Promise<Result<unknown>> => {
      calls.push([channel, payload]);
      if (off && channel.startsWith('dataset.'))
        return { ok: false, error: { code: 'UNAVAILABLE', message: 'no training data on this machine' } };
      if (channel === 'dataset.stats') {
        return ok({
          samples: 4,
          bytes: 3 * 2 ** 20,
          byLabel: { unreviewed: 3, confirmed: 1 },
          byClass: { mineral: 1 },
          classes: ['mineral', 'soda', 'not_empty', 'dishwasher'],
        });
      }
      if (channel === 'dataset.samples') {
        const { label, limit, offset } = payload as { label: string; limit: number; offset: number };
        return ok(samples.filter((s) => label === 'all' || s.label === label).slice(offset, offset + limit));
      }
      if (channel === 'dataset.image')
        return ok({ dataUrl: `data:image/jpeg;base64,${(payload as { id: number }).id}` });
      const refused = (permission: 'view_status' | 'view_logs') =>
        err('FORBIDDEN', `technician Rina lacks the ${permission} permission`, { permission });
      if (forbidden && channel === 'dataset.label') return refused('view_status');
      if (forbidden && channel === 'dataset.export') return refused('view_logs');
      if (channel === 'dataset.label') {
        const { id, label, className, box } = payload as {
          id: number;
          label: TrainingSample['label'];
          className?: string;
          box?: TrainingSample['box'];
        };
        const s = samples.find((x) => x.id === id)!;
        if ((label === 'confirmed' || label === 'corrected') && !(box ?? s.box))
          return { ok: false, error: { code: 'BAD_REQUEST', message: 'this sample has no box: draw one' } };
        return ok({ ...s, label, labelClass: className ?? (label === 'confirmed' ? s.className : null) });
      }
      if (channel === 'maintenance.exportTargets') return ok([{ path: '/media/usb0', freeMb: 900 }]);
      if (channel === 'dataset.export') {
        if (exportFails)
          return { ok: false, error: { code: 'BAD_REQUEST', message: '/tmp is not below a removable drive' } };
        return ok({
          folder: '/media/usb0/rvm-dataset-RVM-1-20260303T093000',
          images: { train: 3, val: 1 },
          byClass: { mineral: 2, pet_bottle: 1 },
          skipped: 2,
        });
      }
      return { ok: false, error: { code: 'UNAVAILABLE', message: 'not in this test' } };
    },
    subscribe: () => () => undefined,
  });
  return { api, calls: (channel: string) => calls.filter(([c]) => c === channel).map(([, p]) => p) };
}

async function renderTraining(options?: Parameters<typeof fakeMain>[0]) {
  const main = fakeMain(options);
  render(
    <ApiContext.Provider value={main.api}>
      <TrainingData />
    </ApiContext.Provider>,
  );
  await act(async () => undefined);
  return main;
}

const tap = (name: string | RegExp) => act(async () => fireEvent.click(screen.getByRole('button', { name })));
/** An answer on the sample (the filter has buttons of the same names). */
const answer = (name: string) =>
  act(async () => fireEvent.click(within(screen.getByTestId('training-sample')).getByRole('button', { name })));
const shownSample = () => screen.getByTestId('training-sample').getAttribute('data-sample');
const fact = (id: string) => screen.getByTestId(id).querySelector('dd')!.textContent;

/** The picture lies at (100, 50), 400×300 on screen: the sample's own size, so a pixel is a pixel. */
function picture() {
  const svg = screen.getByTestId('box-editor');
  svg.getBoundingClientRect = () => ({ left: 100, top: 50, width: 400, height: 300 }) as DOMRect;
  return svg;
}
const drag = (el: Element, [x1, y1]: [number, number], [x2, y2]: [number, number]) =>
  act(async () => {
    fireEvent.pointerDown(el, { clientX: x1, clientY: y1, pointerId: 1 });
    fireEvent.pointerMove(el, { clientX: x2, clientY: y2, pointerId: 1 });
    fireEvent.pointerUp(el, { clientX: x2, clientY: y2, pointerId: 1 });
  });

beforeEach(() => useKioskStore.setState({ locale: 'en' }));
afterEach(cleanup);

describe('training data tab', () => {
  it('shows progress per review state and class, and the first sample with what the model said', async () => {
    await renderTraining();
    expect(fact('count-samples')).toBe('4');
    expect(fact('count-disk')).toBe('3.0 MB');
    expect(fact('count-unreviewed')).toBe('3');
    expect(fact('count-confirmed')).toBe('1');
    expect(fact('count-bad_image')).toBe('0');
    const bars = screen.getByTestId('training-progress').querySelectorAll('li[data-class]');
    expect([...bars].map((li) => li.textContent)).toEqual(['mineral1']);

    expect(shownSample()).toBe('11');
    expect(fact('fact-model')).toBe('mineral · 91 %');
    expect(fact('fact-verdict')).toBe('accepted');
    expect(screen.getByText('8991234567890')).toBeTruthy();
    expect(screen.getByText('chamber-v3')).toBeTruthy();
    expect(screen.getByTestId('model-box').getAttribute('data-box')).toBe('0.5 0.5 0.2 0.6');
    // The model's box over the picture, in the picture's own pixels.
    const box = screen.getByTestId('model-box');
    expect([box.getAttribute('x'), box.getAttribute('y'), box.getAttribute('width')]).toEqual(['160', '60', '80']);
    expect(screen.getByTestId('box-editor').querySelector('image')!.getAttribute('href')).toBe(
      'data:image/jpeg;base64,11',
    );
  });

  it('confirms, then moves on; a sample the model saw nothing on says so and cannot be confirmed', async () => {
    const main = await renderTraining();
    await answer('Confirm');
    expect(main.calls('dataset.label')).toEqual([{ id: 11, label: 'confirmed' }]);
    expect(screen.getByTestId('training-outcome').textContent).toBe('Done: #11 Confirmed (mineral)');
    expect(main.calls('dataset.stats')).toHaveLength(2);
    expect(shownSample()).toBe('12');
    expect(fact('fact-model')).toBe('nothing seen');
    expect(fact('fact-verdict')).toBe('handed back: Item not recognised');
    expect(screen.queryByTestId('model-box')).toBeNull();
    expect((screen.getByRole('button', { name: 'Confirm' }) as HTMLButtonElement).disabled).toBe(true);
    // Bad image, and the next one.
    await answer('Bad image');
    expect(main.calls('dataset.label').at(-1)).toEqual({ id: 12, label: 'bad_image' });
    expect(shownSample()).toBe('13');
  });

  it('corrects the class with a box drawn by touch, from the class buttons or a new name', async () => {
    const main = await renderTraining();
    await tap('Draw box');
    expect(screen.getByTestId('box-editor').getAttribute('data-drawing')).toBe('true');
    // From (40, 30) to (240, 270) in the picture: centre (0.35, 0.5), size (0.5, 0.8); beyond the edge clamps.
    await drag(picture(), [140, 80], [340, 320]);
    expect(screen.getByTestId('label-box').getAttribute('data-box')).toBe('0.35 0.5 0.5 0.8');
    expect(screen.getByTestId('box-editor').getAttribute('data-drawing')).toBe('false');
    await tap('Correct class');
    const picker = screen.getByTestId('class-picker');
    expect(
      within(picker)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Use this name', 'mineral', 'soda', 'not_empty', 'dishwasher']);
    await act(async () => fireEvent.click(within(picker).getByRole('button', { name: 'soda' })));
    expect(main.calls('dataset.label')).toEqual([
      { id: 11, label: 'corrected', className: 'soda', box: [0.35, 0.5, 0.5, 0.8] },
    ]);
    expect(shownSample()).toBe('12');

    // The model saw nothing here: a new class name, a box dragged past the picture's corner (clamped).
    await tap('Draw box');
    await drag(picture(), [600, 400], [300, 200]);
    await tap('Correct class');
    const input = screen.getByLabelText('New class name');
    await act(async () => fireEvent.change(input, { target: { value: 'glass/jar' } }));
    await tap('Use this name');
    expect(screen.getByRole('alert').textContent).toMatch(/letters, digits, spaces/);
    expect(main.calls('dataset.label')).toHaveLength(1);
    await act(async () => fireEvent.change(input, { target: { value: ' pet_bottle ' } }));
    await tap('Use this name');
    expect(main.calls('dataset.label').at(-1)).toEqual({
      id: 12,
      label: 'corrected',
      className: 'pet_bottle',
      box: [0.75, 0.75, 0.5, 0.5],
    });
  });

  it('a confirmed class with a redrawn box is sent as a correction of the box', async () => {
    const main = await renderTraining();
    await tap('Draw box');
    await drag(picture(), [100, 50], [300, 200]);
    await answer('Confirm');
    expect(main.calls('dataset.label')).toEqual([
      { id: 11, label: 'corrected', className: 'mineral', box: [0.25, 0.25, 0.5, 0.5] },
    ]);
  });

  it('shows an error from main in words and stays on the sample', async () => {
    const main = await renderTraining();
    await tap('Next');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Correct class' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'soda' })));
    expect(main.calls('dataset.label')).toEqual([{ id: 12, label: 'corrected', className: 'soda' }]);
    expect(screen.getByTestId('training-outcome').textContent).toBe('Failed: this sample has no box: draw one');
    expect(shownSample()).toBe('12');
  });

  it('swipes and steps through the samples, and filters by review state', async () => {
    const main = await renderTraining();
    expect(main.calls('dataset.samples')).toEqual([{ label: 'unreviewed', limit: 20, offset: 0 }]);
    const swipe = (dx: number) => drag(screen.getByTestId('box-editor'), [300, 200], [300 + dx, 210]);
    await swipe(-120);
    expect(shownSample()).toBe('12');
    await swipe(-120);
    expect(shownSample()).toBe('13');
    await swipe(120);
    expect(shownSample()).toBe('12');
    await swipe(-20); // too short: a tap, not a swipe
    expect(shownSample()).toBe('12');
    await tap('Previous');
    expect(shownSample()).toBe('11');

    await tap('Confirmed');
    expect(main.calls('dataset.samples').at(-1)).toEqual({ label: 'confirmed', limit: 20, offset: 0 });
    expect(shownSample()).toBe('9');
    expect(fact('fact-label')).toBe('Confirmed · mineral');
    expect(screen.getByTestId('label-box').getAttribute('data-box')).toBe('0.5 0.5 0.2 0.6');
    await tap('Next');
    expect(screen.getByTestId('training-none').textContent).toBe('No more samples here.');
    await tap('All');
    expect(main.calls('dataset.samples').at(-1)).toEqual({ label: 'all', limit: 20, offset: 0 });
    expect(shownSample()).toBe('11');
  });

  it('exports to the first drive by default or a typed folder, and shows the counts or the error', async () => {
    const main = await renderTraining();
    const target = screen.getByTestId('export-target') as HTMLInputElement;
    expect(target.value).toBe('/media/usb0');
    await act(async () => fireEvent.click(screen.getByTestId('include-unreviewed')));
    await tap('Export');
    expect(main.calls('dataset.export')).toEqual([{ target: '/media/usb0', includeUnreviewed: true }]);
    const result = screen.getByTestId('export-result').textContent;
    expect(result).toContain(
      '3 training and 1 validation pictures written to /media/usb0/rvm-dataset-RVM-1-20260303T093000',
    );
    expect(result).toContain('mineral: 2');
    expect(result).toContain('pet_bottle: 1');
    expect(result).toContain('Left out: 2');

    cleanup();
    const failing = await renderTraining({ exportFails: true });
    await act(async () => fireEvent.change(screen.getByTestId('export-target'), { target: { value: '/tmp' } }));
    await tap('Export');
    expect(failing.calls('dataset.export')).toEqual([{ target: '/tmp', includeUnreviewed: false }]);
    expect(screen.getByTestId('export-error').textContent).toBe('Failed: /tmp is not below a removable drive');
  });

  it('types a new class name and another export folder on the on-screen keyboard, one keyboard at a time', async () => {
    const main = await renderTraining();
    await tap('Correct class');
    const input = screen.getByLabelText('New class name') as HTMLInputElement;
    expect(screen.queryByTestId('osk')).toBeNull();
    act(() => input.focus());
    const keyboard = () => within(screen.getByTestId('osk'));
    const type = (text: string) => {
      for (const char of text) {
        const key = keyboard().getByRole('button', { name: char });
        // As a finger does: the key never takes the focus from the field.
        expect(fireEvent.mouseDown(key)).toBe(false);
        act(() => fireEvent.click(key));
      }
    };
    type('pet_can');
    expect(input.value).toBe('pet_can');
    expect(document.activeElement).toBe(input);
    act(() => fireEvent.click(keyboard().getByRole('button', { name: 'Delete' })));
    type('n2');
    expect(input.value).toBe('pet_can2');

    // Another field: its own keyboard, the first one gone.
    const target = screen.getByTestId('export-target') as HTMLInputElement;
    act(() => target.focus());
    expect(screen.getAllByTestId('osk')).toHaveLength(1);
    target.setSelectionRange(target.value.length, target.value.length);
    act(() => fireEvent.click(keyboard().getByRole('button', { name: 'Delete' })));
    type('1');
    expect(target.value).toBe('/media/usb1');
    act(() => fireEvent.click(keyboard().getByRole('button', { name: 'Done' })));
    expect(screen.queryByTestId('osk')).toBeNull();
    await tap('Export');
    expect(main.calls('dataset.export')).toEqual([{ target: '/media/usb1', includeUnreviewed: false }]);

    act(() => input.focus());
    await tap('Use this name');
    expect(main.calls('dataset.label')).toEqual([{ id: 11, label: 'corrected', className: 'pet_can2' }]);
  });

  it('puts the keyboard at the foot of the maintenance screen, below its scroll region, not over the tab', async () => {
    const main = fakeMain();
    render(
      <ApiContext.Provider value={main.api}>
        <main className="screen maintenance" data-screen="maintenance">
          <section className="maintenance__body" data-scroll-region>
            <TrainingData />
          </section>
        </main>
      </ApiContext.Provider>,
    );
    await act(async () => undefined);
    act(() => screen.getByTestId('export-target').focus());
    const keyboard = screen.getByTestId('osk');
    expect(keyboard.parentElement).toBe(document.querySelector('[data-screen="maintenance"]'));
    expect(keyboard.closest('[data-scroll-region]')).toBeNull();
    expect(keyboard.previousElementSibling).toBe(document.querySelector('[data-scroll-region]'));
    // Its keys still type into the field (the keyboard is the field's, wherever it stands).
    act(() => fireEvent.click(within(keyboard).getByRole('button', { name: 'Delete' })));
    expect((screen.getByTestId('export-target') as HTMLInputElement).value).toBe('/media/usb');
  });

  it('says a missing permission in the screen’s words, for a review and an export', async () => {
    useKioskStore.setState({ locale: 'id' });
    const main = await renderTraining({ forbidden: true });
    await act(async () =>
      fireEvent.click(within(screen.getByTestId('training-sample')).getByRole('button', { name: 'Benar' })),
    );
    expect(main.calls('dataset.label')).toHaveLength(1);
    expect(screen.getByTestId('training-outcome').textContent).toBe(
      'Gagal: Tidak diizinkan: perlu izin “lihat status”.',
    );
    await tap('Ekspor');
    expect(screen.getByTestId('export-error').textContent).toBe('Gagal: Tidak diizinkan: perlu izin “lihat log”.');
    // Kept as main's refusal: the words follow the language toggle.
    act(() => useKioskStore.setState({ locale: 'en' }));
    expect(screen.getByTestId('training-outcome').textContent).toBe(
      'Failed: Not allowed: this needs the “view status” permission.',
    );
    expect(screen.getByTestId('export-error').textContent).toBe(
      'Failed: Not allowed: this needs the “view logs” permission.',
    );
    expect(screen.queryByText(/lacks the/)).toBeNull();
  });

  it('says in plain words when the machine keeps no training data', async () => {
    useKioskStore.setState({ locale: 'id' });
    await renderTraining({ off: true });
    expect(screen.getByTestId('training-off').textContent).toMatch(/^Tidak ada data latih di mesin ini/);
    expect(screen.queryByTestId('training-review')).toBeNull();
  });
});
