import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { act, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useKioskStore } from '../stores/kiosk.store';
import { applyKey, OnScreenKeyboard } from './OnScreenKeyboard';
import { useOnScreenKeyboard } from './use-on-screen-keyboard';

describe('a key applied to a field', () => {
  it('types at the caret, replaces a selection, and deletes before the caret', () => {
    expect(applyKey('http//', 4, 4, { char: ':' })).toEqual({ value: 'http://', caret: 5 });
    expect(applyKey('abc', null, null, { char: 'd' })).toEqual({ value: 'abcd', caret: 4 });
    expect(applyKey('hello', 1, 4, { char: 'E' })).toEqual({ value: 'hEo', caret: 2 });
    expect(applyKey('abc', 3, 3, 'backspace')).toEqual({ value: 'ab', caret: 2 });
    expect(applyKey('abc', 0, 0, 'backspace')).toEqual({ value: 'abc', caret: 0 });
    expect(applyKey('abcdef', 1, 3, 'backspace')).toEqual({ value: 'adef', caret: 1 });
    expect(applyKey('ab', 9, 9, { char: 'c' })).toEqual({ value: 'abc', caret: 3 });
  });
});

/** Two fields (one numeric) tied to React state, with the keyboard as the setup screen hosts it. */
function Form() {
  const [values, setValues] = useState<Record<string, string>>({ name: '', pin: '' });
  const keyboard = useOnScreenKeyboard((name, value) => setValues((v) => ({ ...v, [name]: value })));
  return (
    <div onFocus={keyboard.onFocus} onBlur={keyboard.onBlur}>
      <input
        aria-label="name"
        name="name"
        value={values.name}
        onChange={(e) => setValues((v) => ({ ...v, name: e.target.value }))}
      />
      <input
        aria-label="pin"
        name="pin"
        inputMode="numeric"
        value={values.pin}
        onChange={(e) => setValues((v) => ({ ...v, pin: e.target.value }))}
      />
      <button type="button">elsewhere</button>
      {keyboard.mode && <OnScreenKeyboard mode={keyboard.mode} onPress={keyboard.press} />}
    </div>
  );
}

const tap = (name: string) => {
  const key = screen.getByRole('button', { name });
  // As a finger does: the press must not take the focus from the field.
  expect(fireEvent.mouseDown(key)).toBe(false);
  fireEvent.click(key);
};
/** The caret moved by a finger on the field. */
const caretTo = (input: HTMLInputElement, at: number) => act(() => input.setSelectionRange(at, at));

describe('on-screen keyboard', () => {
  beforeEach(() => useKioskStore.setState({ locale: 'en' }));
  afterEach(cleanup);

  it('opens on a text field, types through its state with shift and symbols, and closes on Done', () => {
    render(<Form />);
    expect(screen.queryByTestId('osk')).toBeNull();
    const name = screen.getByLabelText('name') as HTMLInputElement;
    act(() => name.focus());
    expect(screen.getByRole('group', { name: 'On-screen keyboard' })).toBeTruthy();
    tap('Capitals');
    expect(screen.getByRole('button', { name: 'Capitals' }).getAttribute('aria-pressed')).toBe('true');
    tap('R');
    // Shift is for one letter.
    for (const k of ['i', 'n', 'a', '@', '.', '-', '_', ':', '/', '7']) tap(k);
    expect(name.value).toBe('Rina@.-_:/7');
    tap('Delete');
    tap('Symbols');
    tap('#');
    tap('Letters');
    tap('Space');
    tap('x');
    expect(name.value).toBe('Rina@.-_:/# x');
    expect(document.activeElement).toBe(name);
    tap('Done');
    expect(screen.queryByTestId('osk')).toBeNull();
    expect(document.activeElement).not.toBe(name);
  });

  it('types at the caret the field keeps', () => {
    render(<Form />);
    const name = screen.getByLabelText('name') as HTMLInputElement;
    act(() => name.focus());
    for (const k of ['a', 'c']) tap(k);
    caretTo(name, 1);
    tap('b');
    expect(name.value).toBe('abc');
    expect(name.selectionStart).toBe(2);
  });

  it('is a numeric pad for a numeric field, and goes when the focus leaves the fields', () => {
    render(<Form />);
    const pin = screen.getByLabelText('pin') as HTMLInputElement;
    act(() => pin.focus());
    expect(screen.queryByRole('button', { name: 'q' })).toBeNull();
    for (const k of ['1', '3', '5', '7', '9', '0', 'Delete', '0']) tap(k);
    expect(pin.value).toBe('135790');
    // A physical keyboard still types.
    fireEvent.change(pin, { target: { value: '135791' } });
    expect(pin.value).toBe('135791');
    act(() => screen.getByRole('button', { name: 'elsewhere' }).focus());
    expect(screen.queryByTestId('osk')).toBeNull();
  });

  it('names its keys in Indonesian', () => {
    useKioskStore.setState({ locale: 'id' });
    render(<Form />);
    act(() => (screen.getByLabelText('name') as HTMLInputElement).focus());
    expect(screen.getByRole('group', { name: 'Papan ketik layar' })).toBeTruthy();
    for (const k of ['Hapus', 'Huruf besar', 'Simbol', 'Spasi', 'Selesai']) {
      expect(screen.getByRole('button', { name: k })).toBeTruthy();
    }
  });
});
