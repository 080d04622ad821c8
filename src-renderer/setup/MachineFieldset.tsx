import { Field } from './Field';
import { binder, type Bound, type FieldsetProps, type SetupForm, type SetupOptions } from './form';

/**
 * Camera, model and time zone, from what main found on this machine. The camera is a device (any can
 * be typed), a stream address or a replay folder; the form starts from the one configured.
 */
export function MachineFieldset(props: FieldsetProps & { options: SetupOptions | null }) {
  const { form, set, options } = props;
  const bind = binder(props);
  return (
    <fieldset>
      <legend>Camera, model and time</legend>
      <Field label="Camera">
        <select
          data-testid="setup-camera-kind"
          value={form.cameraKind}
          onChange={(e) => set('cameraKind', e.target.value as SetupForm['cameraKind'])}
        >
          <option value="v4l2">USB camera (/dev/video*)</option>
          <option value="stream">Stream address (RTSP or HTTP)</option>
          <option value="replay">Replay folder (images, for tests and demos)</option>
        </select>
      </Field>
      {form.cameraKind === 'v4l2' ? (
        <Field
          label="Camera device"
          hint={options?.cameras.length === 0 ? 'No camera found under /dev/video*: check the cable.' : undefined}
        >
          <InputWithChoices name="camera" choices={options?.cameras} {...bind('camera')} />
        </Field>
      ) : form.cameraKind === 'stream' ? (
        <Field
          label="Stream address"
          hint={
            options?.camera?.kind === 'stream' && options.camera.url === form.cameraUrl
              ? 'The configured address, shown without its user and password (they stay as they are).'
              : 'Such as rtsp://user:password@camera.local/stream'
          }
        >
          <input data-testid="setup-camera-url" {...bind('cameraUrl')} />
        </Field>
      ) : (
        <Field label="Replay folder" hint="A folder of .jpg, .png or .webp images on this machine">
          <input data-testid="setup-camera-folder" {...bind('cameraFolder')} />
        </Field>
      )}
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
        <InputWithChoices name="timezone" choices={options?.timezones} {...bind('timezone')} />
      </Field>
    </fieldset>
  );
}

/** A text input (test id setup-<name>) that suggests `choices` (a datalist) and takes anything else typed too. */
function InputWithChoices({ name, choices, ...bound }: Bound & { name: string; choices: string[] | undefined }) {
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
