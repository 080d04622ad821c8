import { useEffect, useState, type FormEvent } from 'react';
import { useApi } from '../api-context';
import { LanguageToggle } from '../components/LanguageToggle';
import { useT } from '../i18n/use-t';
import {
  cameraFields,
  cameraOf,
  INITIAL_FORM,
  platformOf,
  type SetField,
  type SetupForm,
  type SetupOptions,
} from './form';
import { MachineFieldset } from './MachineFieldset';
import { PlatformFieldset } from './PlatformFieldset';
import { SetupResult } from './SetupResult';
import { TechnicianFieldset } from './TechnicianFieldset';
import { UnlockStep } from './UnlockStep';

/**
 * First-boot setup, for the technician installing the machine: the one-time code from the log opens
 * it; then platform, camera, model, time zone and the first technician PIN. Finishing saves the
 * configuration and restarts the kiosk on it.
 */
export function SetupScreen() {
  const t = useT();
  const api = useApi();
  const [unlocked, setUnlocked] = useState(false);
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [options, setOptions] = useState<SetupOptions | null>(null);
  const [form, setForm] = useState<SetupForm>(INITIAL_FORM);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const set: SetField = (key, value) => setForm((f) => ({ ...f, [key]: value }));

  useEffect(() => {
    void api.setup.status().then((r) => r.ok && setUnlocked(r.value.unlocked));
  }, [api]);

  useEffect(() => {
    if (!unlocked) return;
    void api.setup.options().then((r) => {
      if (!r.ok) return setMessage({ ok: false, text: r.error.message });
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

  const unlock = async (event: FormEvent) => {
    event.preventDefault();
    const r = await api.setup.unlock({ code });
    if (r.ok) {
      setMessage(null);
      setUnlocked(true);
    } else setMessage({ ok: false, text: r.error.message });
  };

  const test = async () => {
    setBusy(true);
    const r = await api.setup.testConnection(platformOf(form));
    setBusy(false);
    setMessage(
      r.ok
        ? { ok: true, text: t('st.connectionWorks', { detail: r.value.detail }) }
        : { ok: false, text: r.error.message },
    );
  };

  const finish = async (event: FormEvent) => {
    event.preventDefault();
    if (form.pin !== form.pin2) {
      return setMessage({ ok: false, text: t('st.pinsDiffer') });
    }
    setBusy(true);
    const r = await api.setup.complete({
      platform: platformOf(form),
      camera: cameraOf(form),
      manifest: form.manifest,
      timezone: form.timezone,
      technician: { name: form.techName, pin: form.pin },
    });
    setBusy(false);
    if (!r.ok) return setMessage({ ok: false, text: r.error.message });
    setDone(true);
    setMessage({
      ok: true,
      text: t(r.value.restarting ? 'st.savedRestarting' : 'st.saved'),
    });
  };

  return (
    // The form is longer than a kiosk display: it scrolls within the screen (a technician's screen, once).
    <main className="setup-screen" data-testid="setup-screen" data-scroll-region tabIndex={0}>
      <header className="setup-screen__header">
        <h1>{t('st.title')}</h1>
        <LanguageToggle />
      </header>
      {unlocked ? (
        <form onSubmit={(e) => void finish(e)}>
          <PlatformFieldset form={form} set={set} busy={busy} onTest={() => void test()} />
          <MachineFieldset form={form} set={set} options={options} />
          <TechnicianFieldset form={form} set={set} />
          <button type="submit" data-testid="setup-finish" disabled={busy || done}>
            {t('st.finish')}
          </button>
        </form>
      ) : (
        <UnlockStep code={code} onCode={setCode} onSubmit={(e) => void unlock(e)} />
      )}
      {message && <SetupResult message={message} />}
    </main>
  );
}
