import type { ReactNode } from 'react';
import { useT } from '../i18n/use-t';
import type { FieldErrors, FieldKey } from './validate';

/**
 * One field of the setup form: its label wraps the label text, the control (with anything that
 * belongs to it, such as a datalist), what is wrong with it in plain words when something is, and a
 * hint under it when there is one.
 */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  children: ReactNode;
}) {
  return (
    <label className={error ? 'setup-field--error' : undefined}>
      {label}
      {children}
      {error ? (
        <small className="setup-field-error" data-testid="field-error">
          {error}
        </small>
      ) : null}
      {hint ? <small>{hint}</small> : null}
    </label>
  );
}

/** The words for a field's error, in the screen's language (undefined: none). */
export function useFieldError(errors: FieldErrors): (key: FieldKey) => string | undefined {
  const t = useT();
  return (key) => {
    const message = errors[key];
    return message ? t(message) : undefined;
  };
}
