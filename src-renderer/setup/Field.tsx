import type { ReactNode } from 'react';

/**
 * One field of the setup form: its label wraps the label text, the control (with anything that
 * belongs to it, such as a datalist) and, when there is one, a hint under it.
 */
export function Field({ label, hint, children }: { label: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <label>
      {label}
      {children}
      {hint ? <small>{hint}</small> : null}
    </label>
  );
}
