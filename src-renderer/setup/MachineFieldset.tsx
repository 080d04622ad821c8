import { useT } from '../i18n/use-t';
import { Field, useFieldError } from './Field';
import { binder, type Bound, type FieldsetProps, type SetupForm, type SetupOptions } from './form';

/**
 * Camera, model and time zone, from what main found on this machine. The camera is a device (any can
 * be typed), a stream address or a replay folder; the form starts from the one configured.
 */
export function MachineFieldset(props: FieldsetProps & { options: SetupOptions | null }) {
  const { form, set, options } = props;
  const t = useT();
  const bind = binder(props);
  const error = useFieldError(props.errors);
  return (
    <fieldset>
      <legend>{t('st.machine.legend')}</legend>
      <Field label={t('st.camera')}>
        <select
          data-testid="setup-camera-kind"
          value={form.cameraKind}
          onChange={(e) => set('cameraKind', e.target.value as SetupForm['cameraKind'])}
        >
          <option value="v4l2">{t('st.camera.v4l2')}</option>
          <option value="stream">{t('st.camera.stream')}</option>
          <option value="replay">{t('st.camera.replay')}</option>
        </select>
      </Field>
      {form.cameraKind === 'v4l2' ? (
        <Field
          label={t('st.camera.device')}
          hint={options?.cameras.length === 0 ? t('st.camera.none') : undefined}
          error={error('camera')}
        >
          <InputWithChoices choices={options?.cameras} {...bind('camera')} />
        </Field>
      ) : form.cameraKind === 'stream' ? (
        <Field
          label={t('st.camera.url')}
          error={error('cameraUrl')}
          hint={
            options?.camera?.kind === 'stream' && options.camera.url === form.cameraUrl
              ? t('st.camera.urlKept')
              : t('st.camera.urlExample')
          }
        >
          <input data-testid="setup-camera-url" {...bind('cameraUrl')} />
        </Field>
      ) : (
        <Field label={t('st.camera.folder')} hint={t('st.camera.folderHint')} error={error('cameraFolder')}>
          <input data-testid="setup-camera-folder" {...bind('cameraFolder')} />
        </Field>
      )}
      <Field
        label={t('st.model')}
        hint={options?.models.length === 0 ? t('st.model.none') : undefined}
        error={error('manifest')}
      >
        <select data-testid="setup-model" {...bind('manifest')}>
          {options?.models.map((m) => (
            <option key={m.manifest} value={m.manifest}>
              {m.label}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('st.timezone')} error={error('timezone')}>
        <InputWithChoices choices={options?.timezones} {...bind('timezone')} />
      </Field>
    </fieldset>
  );
}

/** A text input (test id setup-<name>) that suggests `choices` (a datalist) and takes anything else typed too. */
function InputWithChoices({ choices, ...bound }: Bound & { choices: string[] | undefined }) {
  const { name } = bound;
  return (
    <>
      <input data-testid={`setup-${name}`} list={`setup-${name}s`} {...bound} />
      <datalist id={`setup-${name}s`}>
        {choices?.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
    </>
  );
}
