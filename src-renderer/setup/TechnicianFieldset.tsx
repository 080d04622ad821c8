import { useT } from '../i18n/use-t';
import { Field, useFieldError } from './Field';
import { binder, type FieldsetProps } from './form';

/** The first technician: a name and a 6-digit PIN, typed twice. */
export function TechnicianFieldset(props: FieldsetProps) {
  const t = useT();
  const bind = binder(props);
  const error = useFieldError(props.errors);
  return (
    <fieldset>
      <legend>{t('st.tech.legend')}</legend>
      <Field label={t('st.tech.name')} error={error('techName')}>
        <input data-testid="setup-tech-name" {...bind('techName')} />
      </Field>
      <Field label={t('st.tech.pin')} error={error('pin')}>
        <input data-testid="setup-pin" type="password" inputMode="numeric" {...bind('pin')} />
      </Field>
      <Field label={t('st.tech.pin2')} error={error('pin2')}>
        <input data-testid="setup-pin2" type="password" inputMode="numeric" {...bind('pin2')} />
      </Field>
    </fieldset>
  );
}
