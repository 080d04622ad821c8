import { Field } from './Field';
import { binder, type Bound, type FieldsetProps, type SetupOptions } from './form';

/** Camera, model and time zone, from what main found on this machine (any camera can be typed). */
export function MachineFieldset(props: FieldsetProps & { options: SetupOptions | null }) {
  const { options } = props;
  const bind = binder(props);
  return (
    <fieldset>
      <legend>Camera, model and time</legend>
      <Field
        label="Camera"
        hint={options?.cameras.length === 0 ? 'No camera found under /dev/video*: check the cable.' : undefined}
      >
        <InputWithChoices testId="setup-camera" listId="setup-cameras" choices={options?.cameras} {...bind('camera')} />
      </Field>
      <Field
        label="Model"
        hint={
          options?.models.length === 0
            ? "No model manifest in the data folder's models/: copy the model and its manifest there."
            : undefined
        }
      >
        <select data-testid="setup-model" {...bind('manifest')}>
          {options?.models.map((m) => (
            <option key={m.manifest} value={m.manifest}>
              {m.label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Time zone">
        <InputWithChoices
          testId="setup-timezone"
          listId="setup-timezones"
          choices={options?.timezones}
          {...bind('timezone')}
        />
      </Field>
    </fieldset>
  );
}

/** A text input that suggests `choices` (a datalist) and takes anything else typed too. */
function InputWithChoices({
  testId,
  listId,
  choices,
  ...bound
}: Bound & { testId: string; listId: string; choices: string[] | undefined }) {
  return (
    <>
      <input data-testid={testId} list={listId} {...bound} />
      <datalist id={listId}>
        {choices?.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
    </>
  );
}
