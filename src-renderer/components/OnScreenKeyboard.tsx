import { useState, type MouseEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useT } from '../i18n/use-t';

/** What a key does to the field being edited. */
export type KeyPress = { readonly char: string } | 'backspace' | 'done';
export type KeyboardMode = 'text' | 'numeric';

/**
 * The field's text after a key, and where the caret goes: a character replaces the selection (or goes
 * in at the caret), backspace deletes the selection or the character before the caret. `start`/`end`
 * null (inputs such as type=email keep no caret): at the end.
 */
export function applyKey(
  value: string,
  start: number | null,
  end: number | null,
  press: Exclude<KeyPress, 'done'>,
): { value: string; caret: number } {
  const from = Math.min(start ?? value.length, value.length);
  const to = Math.max(from, Math.min(end ?? from, value.length));
  if (press === 'backspace') {
    if (to > from) return { value: value.slice(0, from) + value.slice(to), caret: from };
    if (from === 0) return { value, caret: 0 };
    return { value: value.slice(0, from - 1) + value.slice(from), caret: from - 1 };
  }
  return { value: value.slice(0, from) + press.char + value.slice(to), caret: from + press.char.length };
}

// Letters and what addresses, e-mails and paths need (. - _ @ : /) on the first layer; the rest of
// printable ASCII (passwords, query strings) one tap away.
const LETTERS = ['qwertyuiop', 'asdfghjkl@', 'zxcvbnm.-'] as const;
const SYMBOLS = ['!#$%&*+=?~', ',;\'"()[]{}', '<>|\\^`@.-'] as const;
const DIGITS = '1234567890';
const PAD = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/**
 * An on-screen keyboard for a touchscreen with no keyboard: letters, digits and symbols (`text`) or a
 * numeric pad in the PIN pad's look (`numeric`). It never takes the focus (a tap keeps the field
 * focused and its caret), and says each key to `onPress`; the field's owner edits its own state.
 */
export function OnScreenKeyboard({ mode, onPress }: { mode: KeyboardMode; onPress: (press: KeyPress) => void }) {
  const t = useT();
  const [shift, setShift] = useState(false);
  const [symbols, setSymbols] = useState(false);
  // A tap on a key must not move the focus away from the field (nor drop its caret).
  const keepFocus = (event: MouseEvent) => event.preventDefault();
  const type = (char: string) => {
    onPress({ char });
    setShift(false);
  };
  const key = (char: string) => {
    const shown = shift ? char.toUpperCase() : char;
    return <Key key={char} label={shown} onPress={() => type(shown)} />;
  };
  const backspace = <Key label="⌫" name={t('kb.backspace')} wide onPress={() => onPress('backspace')} />;
  const done = <Key label={t('kb.done')} wide primary onPress={() => onPress('done')} />;

  if (mode === 'numeric') {
    return (
      <div
        className="osk osk--numeric"
        data-testid="osk"
        role="group"
        aria-label={t('kb.label')}
        onMouseDown={keepFocus}
      >
        <div className="pinpad__keys">
          {PAD.map((d) => (
            <Key key={d} label={d} pad onPress={() => type(d)} />
          ))}
          <Key label="⌫" name={t('kb.backspace')} pad onPress={() => onPress('backspace')} />
          <Key label="0" pad onPress={() => type('0')} />
          <Key label={t('kb.done')} pad word primary onPress={() => onPress('done')} />
        </div>
      </div>
    );
  }
  const rows = symbols ? SYMBOLS : LETTERS;
  return (
    <div className="osk" data-testid="osk" role="group" aria-label={t('kb.label')} onMouseDown={keepFocus}>
      <Row>
        {[...DIGITS].map(key)}
        {backspace}
      </Row>
      <Row>{[...rows[0]].map(key)}</Row>
      <Row>{[...rows[1]].map(key)}</Row>
      <Row>
        <Key label="⇧" name={t('kb.shift')} pressed={shift} disabled={symbols} onPress={() => setShift((s) => !s)} />
        {[...rows[2]].map(key)}
      </Row>
      <Row>
        <Key
          label={symbols ? 'abc' : '#+='}
          name={t(symbols ? 'kb.letters' : 'kb.symbols')}
          wide
          onPress={() => {
            setSymbols((s) => !s);
            setShift(false);
          }}
        />
        {key('_')}
        {key(':')}
        {key('/')}
        <Key label={t('kb.space')} wide onPress={() => type(' ')} />
        {done}
      </Row>
    </div>
  );
}

/**
 * The keyboard for a part of a screen that does not own the screen's layout (a maintenance tab): at the
 * foot of the screen its field is on (`[data-screen]`), after the screen's scroll region, so the region
 * shrinks and the field is brought into view above the keys, never under them. Outside a screen: in place.
 */
export function DockedKeyboard({
  keyboard,
}: {
  keyboard: { mode: KeyboardMode | null; field: Element | null; press: (press: KeyPress) => void };
}) {
  if (!keyboard.mode) return null;
  const view = <OnScreenKeyboard mode={keyboard.mode} onPress={keyboard.press} />;
  const screen = keyboard.field?.closest('[data-screen]');
  return screen ? createPortal(view, screen) : view;
}

function Row({ children }: { children: ReactNode }) {
  return <div className="osk__row">{children}</div>;
}

/** One key: a real button (screen readers and the layout check see it), out of the Tab order. */
function Key(props: {
  label: string;
  /** The accessible name when the label is a symbol (⌫, ⇧). */
  name?: string;
  onPress: () => void;
  wide?: boolean;
  primary?: boolean;
  /** In the PIN pad's look. */
  pad?: boolean;
  /** A word on a PIN pad key: smaller, as the PIN pad's Clear and Delete. */
  word?: boolean;
  pressed?: boolean;
  disabled?: boolean;
}) {
  const { label, name, onPress, wide, primary, pad, word, pressed, disabled } = props;
  const className = [
    'touch-button',
    pad ? 'pinpad__key' : 'osk__key',
    word ? 'pinpad__key--word' : '',
    wide ? 'osk__key--wide' : '',
    primary ? 'touch-button--primary' : pad ? '' : 'osk__key--plain',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type="button"
      tabIndex={-1}
      className={className}
      aria-label={name}
      aria-pressed={pressed}
      disabled={disabled}
      onClick={onPress}
    >
      {label}
    </button>
  );
}
