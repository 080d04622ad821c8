import { useId, useState } from 'react';
import { DockedKeyboard } from '../components/OnScreenKeyboard';
import { useOnScreenKeyboard } from '../components/use-on-screen-keyboard';
import { useT } from '../i18n/use-t';

/** What the dataset accepts as a class name (the contract's rule). */
const CLASS_NAME = /^[A-Za-z0-9_ -]{1,40}$/;

/** The class an item really is: one tap on a known class, or a new name typed in (on screen on a touchscreen). */
export function ClassPicker({ classes, onPick }: { classes: readonly string[]; onPick: (className: string) => void }) {
  const t = useT();
  const inputId = useId();
  const [name, setName] = useState('');
  const [wrong, setWrong] = useState(false);
  const keyboard = useOnScreenKeyboard((_field, value) => setName(value));
  const submitName = () => {
    const trimmed = name.trim();
    if (!CLASS_NAME.test(trimmed)) return setWrong(true);
    setWrong(false);
    onPick(trimmed);
  };
  return (
    <fieldset className="class-picker" data-testid="class-picker" onFocus={keyboard.onFocus} onBlur={keyboard.onBlur}>
      <legend>{t('mt.training.chooseClass')}</legend>
      <div className="class-picker__new">
        <label htmlFor={inputId}>{t('mt.training.newClass')}</label>
        <input
          id={inputId}
          name="className"
          data-testid="new-class"
          value={name}
          maxLength={40}
          autoComplete="off"
          aria-invalid={wrong}
          aria-describedby={wrong ? `${inputId}-error` : undefined}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && submitName()}
        />
        <button type="button" className="touch-button touch-button--primary" onClick={submitName}>
          {t('mt.training.useName')}
        </button>
        {wrong && (
          <p id={`${inputId}-error`} role="alert" className="outcome outcome--error">
            {t('mt.training.badName')}
          </p>
        )}
      </div>
      <div className="class-picker__classes">
        {classes.map((cls) => (
          <button key={cls} type="button" className="touch-button" data-class={cls} onClick={() => onPick(cls)}>
            {cls}
          </button>
        ))}
      </div>
      <DockedKeyboard keyboard={keyboard} />
    </fieldset>
  );
}
