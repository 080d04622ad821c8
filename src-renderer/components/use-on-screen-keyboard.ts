import { useEffect, useLayoutEffect, useRef, useState, type FocusEvent } from 'react';
import { applyKey, type KeyboardMode, type KeyPress } from './OnScreenKeyboard';

type TextControl = HTMLInputElement | HTMLTextAreaElement;

/** Inputs the keyboard types into (a file picker, a checkbox … have their own ways). */
const TEXT_TYPES = new Set(['text', 'email', 'password', 'url', 'search', 'tel']);

const isTextControl = (el: EventTarget | null): el is TextControl =>
  (el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && TEXT_TYPES.has(el.type))) && el.name !== '';

/** The selection of a control, null where it keeps none (type=email). */
function selectionOf(el: TextControl): [number | null, number | null] {
  try {
    return [el.selectionStart, el.selectionEnd];
  } catch {
    return [null, null];
  }
}

/**
 * The on-screen keyboard of a form (the element given `onFocus`/`onBlur`): it opens when one of its text
 * fields (each with a `name`) gets the focus, numeric for `inputMode="numeric"`, and closes on Done or
 * when the focus leaves its fields (for another form's too: that one opens its own). A key changes the
 * field's value through `write(name, value)` (the form's own state) and puts the caret after what it
 * typed; a physical keyboard types as always. `field`: the field typed into, null while closed.
 */
export function useOnScreenKeyboard(write: (name: string, value: string) => void) {
  const [target, setTarget] = useState<{ el: TextControl; mode: KeyboardMode } | null>(null);
  const caret = useRef<number | null>(null);

  const onFocus = (event: FocusEvent) => {
    const el = event.target;
    if (isTextControl(el)) setTarget({ el, mode: el.getAttribute('inputmode') === 'numeric' ? 'numeric' : 'text' });
  };
  const onBlur = (event: FocusEvent) => {
    const next = event.relatedTarget;
    if (!isTextControl(next) || !event.currentTarget.contains(next)) setTarget(null);
  };
  const press = (key: KeyPress) => {
    if (!target) return;
    const { el } = target;
    if (key === 'done') {
      setTarget(null);
      el.blur();
      return;
    }
    const [start, end] = selectionOf(el);
    const next = applyKey(el.value, start, end, key);
    caret.current = next.caret;
    write(el.name, next.value);
  };

  // After the value is rendered: the caret back where the key left it (a new value puts it at the end).
  useLayoutEffect(() => {
    const at = caret.current;
    if (at === null || !target) return;
    caret.current = null;
    try {
      target.el.setSelectionRange(at, at);
    } catch {
      // type=email keeps no caret: it stays at the end, where it was typed.
    }
  });
  // The keyboard takes the bottom of the screen: the field it types into stays in view above it (a
  // display turned or resized too).
  useEffect(() => {
    if (!target) return;
    const show = () => target.el.scrollIntoView?.({ block: 'nearest' });
    show();
    window.addEventListener('resize', show);
    return () => window.removeEventListener('resize', show);
  }, [target]);

  return { mode: target?.mode ?? null, field: target?.el ?? null, onFocus, onBlur, press };
}
