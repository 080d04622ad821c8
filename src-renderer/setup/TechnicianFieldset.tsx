import { Field } from './Field';
import { binder, type FieldsetProps } from './form';

/** The first technician: a name and a 6-digit PIN, typed twice. */
export function TechnicianFieldset(props: FieldsetProps) {
  const bind = binder(props);
  return (
    <fieldset>
      <legend>First technician</legend>
      <Field label="Name">
        <input data-testid="setup-tech-name" {...bind('techName')} />
      </Field>
      <Field label="PIN (6 digits)">
        <input data-testid="setup-pin" type="password" inputMode="numeric" {...bind('pin')} />
      </Field>
      <Field label="PIN again">
        <input data-testid="setup-pin2" type="password" inputMode="numeric" {...bind('pin2')} />
      </Field>
    </fieldset>
  );
}
