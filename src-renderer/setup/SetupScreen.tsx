import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AppError } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { LanguageToggle } from '../components/LanguageToggle';
import { OnScreenKeyboard } from '../components/OnScreenKeyboard';
import { useOnScreenKeyboard } from '../components/use-on-screen-keyboard';
import type { MessageKey } from '../i18n/i18n';
import { useT } from '../i18n/use-t';
import {
  cameraFields,
  cameraOf,
  INITIAL_FORM,
  isTextKey,
  platformOf,
  type SetField,
  type SetupForm,
  type SetupOptions,
} from './form';
import { MachineFieldset } from './MachineFieldset';
import { PlatformFieldset } from './PlatformFieldset';
import { SetupDone, SetupResult } from './SetupResult';
import { TechnicianFieldset } from './TechnicianFieldset';
import { UnlockStep } from './UnlockStep';
import { FIELD_ORDER, fieldOfError, formErrors, platformErrors, type FieldErrors } from './validate';

/** A line under the form: words of ours (translated when shown), or main's own for what we cannot name. */
type Message = { ok: boolean; key: MessageKey; params?: Record<string, string> } | { ok: boolean; raw: string };

const reloadPage = () => window.location.reload();

/**
 * First-boot setup, for the technician installing the machine: the one-time code from the log opens
 * it; then platform, camera, model, time zone and the first technician PIN. Each field says in words
 * what is wrong with it, checked here before anything is sent and as main refused it. Finishing saves
 * the configuration; the kiosk restarts on it (or must be restarted by hand, and the screen says so).
 * On a touchscreen an on-screen keyboard types into the field in focus.
 */
export function SetupScreen({ reload = reloadPage }: { reload?: () => void }) {
  const t = useT();
  const api = useApi();
  const [unlocked, setUnlocked] = useState(false);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<MessageKey | undefined>();
  const [message, setMessage] = useState<Message | null>(null);
  const [options, setOptions] = useState<SetupOptions | null>(null);
  const [form, setForm] = useState<SetupForm>(INITIAL_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<{ restarting: boolean } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  // A field edited is no longer known to be wrong.
  const set: SetField = (key, value) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors(({ [key as keyof FieldErrors]: _, ...rest }) => rest);
  };
  const keyboard = useOnScreenKeyboard((name, value) => {
    if (name === 'code') return setCode(value);
    if (isTextKey(name)) set(name, value);
  });

  useEffect(() => {
    void api.setup.status().then((r) => r.ok && setUnlocked(r.value.unlocked));
  }, [api]);

  useEffect(() => {
    if (!unlocked) return;
    void api.setup.options().then((r) => {
      if (!r.ok) return setMessage({ ok: false, raw: r.error.message });
      setOptions(r.value);
      // The camera configured now; else (and for a switch to a device) the first one found.
      const [device] = r.value.cameras;
      const [model] = r.value.models;
      setForm((f) => ({
        ...f,
        ...(device ? { camera: device } : {}),
        ...(r.value.camera ? cameraFields(r.value.camera) : {}),
        ...(model ? { manifest: model.manifest } : {}),
      }));
    });
  }, [api, unlocked]);

  /** Marks the fields in error (false: none), with a line saying so and the first one brought into view. */
  const showErrors = (found: FieldErrors | undefined): boolean => {
    if (!found || Object.keys(found).length === 0) return false;
    setErrors(found);
    setMessage({ ok: false, key: 'st.err.fields' });
    const first = FIELD_ORDER.find((k) => found[k]);
    formRef.current?.querySelector(`[name="${first}"]`)?.scrollIntoView?.({ block: 'center' });
    return true;
  };
  /** A refusal from main: on its field when it names one, else as main said it. */
  const refused = (error: AppError, inPlatform = false) => {
    if (!showErrors(fieldOfError(error, form, inPlatform))) setMessage({ ok: false, raw: error.message });
  };

  const unlock = async (event: FormEvent) => {
    event.preventDefault();
    const r = await api.setup.unlock({ code });
    setMessage(null);
    if (r.ok) {
      setCodeError(undefined);
      setUnlocked(true);
    } else if (r.error.code === 'FORBIDDEN') setCodeError('st.unlock.wrong');
    else if (r.error.code === 'RATE_LIMITED') setCodeError('st.unlock.rateLimited');
    else setMessage({ ok: false, raw: r.error.message });
  };

  const test = async () => {
    if (showErrors(platformErrors(form))) return;
    setBusy(true);
    const r = await api.setup.testConnection(platformOf(form));
    setBusy(false);
    if (!r.ok) return refused(r.error, true);
    setMessage({ ok: true, key: 'st.connectionWorks', params: { detail: r.value.detail } });
  };

  const finish = async (event: FormEvent) => {
    event.preventDefault();
    if (showErrors(formErrors(form, options?.timezones))) return;
    setBusy(true);
    const r = await api.setup.complete({
      platform: platformOf(form),
      camera: cameraOf(form),
      manifest: form.manifest,
      timezone: form.timezone,
      technician: { name: form.techName.trim(), pin: form.pin },
    });
    setBusy(false);
    if (!r.ok) return refused(r.error);
    setMessage(null);
    setSaved(r.value);
  };

  const props = { form, set, errors };
  return (
    <main className="setup-screen" data-testid="setup-screen" onFocus={keyboard.onFocus} onBlur={keyboard.onBlur}>
      {/* The form is longer than a kiosk display: it scrolls above the keyboard (a technician's screen, once). */}
      <div className="setup-screen__body" data-scroll-region tabIndex={0}>
        <header className="setup-screen__header">
          <h1>{t('st.title')}</h1>
          <LanguageToggle />
        </header>
        {saved ? (
          <SetupDone restarting={saved.restarting} reload={reload} />
        ) : unlocked ? (
          <form ref={formRef} noValidate onSubmit={(e) => void finish(e)}>
            <PlatformFieldset {...props} busy={busy} onTest={() => void test()} />
            <MachineFieldset {...props} options={options} />
            <TechnicianFieldset {...props} />
            <button
              type="submit"
              className="touch-button touch-button--primary"
              data-testid="setup-finish"
              disabled={busy}
            >
              {t('st.finish')}
            </button>
          </form>
        ) : (
          <UnlockStep
            code={code}
            error={codeError && t(codeError)}
            onCode={(c) => {
              setCode(c);
              setCodeError(undefined);
            }}
            onSubmit={(e) => void unlock(e)}
          />
        )}
        {message && (
          <SetupResult
            message={{ ok: message.ok, text: 'key' in message ? t(message.key, message.params) : message.raw }}
          />
        )}
      </div>
      {keyboard.mode && !saved && <OnScreenKeyboard mode={keyboard.mode} onPress={keyboard.press} />}
    </main>
  );
}
