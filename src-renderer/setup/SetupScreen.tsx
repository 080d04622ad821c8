import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react';
import type { PlatformSetup } from '../../src-preload/contract';
import { useApi } from '../api-context';

type Options = {
  cameras: string[];
  models: Array<{ manifest: string; label: string }>;
  timezones: string[];
};

/**
 * First-boot setup, for the technician installing the machine: the one-time code from the log opens
 * it; then platform, camera, model, time zone and the first technician PIN. Finishing saves the
 * configuration and restarts the kiosk on it.
 */
export function SetupScreen() {
  const api = useApi();
  const [unlocked, setUnlocked] = useState(false);
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [options, setOptions] = useState<Options | null>(null);
  const [profile, setProfile] = useState<'v1' | 'v2'>('v1');
  const [baseUrl, setBaseUrl] = useState('https://');
  const [credentials, setCredentials] = useState('');
  const [rvmId, setRvmId] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [camera, setCamera] = useState('/dev/video0');
  const [manifest, setManifest] = useState('');
  const [timezone, setTimezone] = useState('Asia/Jakarta');
  const [techName, setTechName] = useState('');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  useEffect(() => {
    void api.setup.status().then((r) => r.ok && setUnlocked(r.value.unlocked));
  }, [api]);

  useEffect(() => {
    if (!unlocked) return;
    void api.setup.options().then((r) => {
      if (!r.ok) return setMessage({ ok: false, text: r.error.message });
      setOptions(r.value);
      if (r.value.cameras[0]) setCamera(r.value.cameras[0]);
      if (r.value.models[0]) setManifest(r.value.models[0].manifest);
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

  const platform = (): PlatformSetup =>
    profile === 'v1'
      ? { profile, baseUrl, credentialsJson: credentials }
      : { profile, baseUrl, rvmId: Number(rvmId), email, password, ...(apiKey ? { apiKey } : {}) };

  const readFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) void file.text().then(setCredentials);
  };

  const test = async () => {
    setBusy(true);
    const r = await api.setup.testConnection(platform());
    setBusy(false);
    setMessage(r.ok ? { ok: true, text: `Connection works: ${r.value.detail}` } : { ok: false, text: r.error.message });
  };

  const finish = async (event: FormEvent) => {
    event.preventDefault();
    if (pin !== pin2) return setMessage({ ok: false, text: 'The two PINs differ: enter the same 6 digits twice.' });
    setBusy(true);
    const r = await api.setup.complete({
      platform: platform(),
      camera,
      manifest,
      timezone,
      technician: { name: techName, pin },
    });
    setBusy(false);
    if (!r.ok) return setMessage({ ok: false, text: r.error.message });
    setDone(true);
    setMessage({
      ok: true,
      text: r.value.restarting
        ? 'Setup saved. The kiosk is restarting with it…'
        : 'Setup saved. Restart the kiosk to use it.',
    });
  };

  const status = message && (
    <p role="status" data-testid="setup-result" className={message.ok ? 'setup-ok' : 'setup-error'}>
      {message.text}
    </p>
  );

  if (!unlocked) {
    return (
      <main className="setup-screen" data-testid="setup-screen">
        <h1>Set up this machine</h1>
        <p>
          Enter the 8-digit setup code. It is in the kiosk&apos;s log:{' '}
          <code>journalctl -u rvm-kiosk | grep &quot;setup code&quot;</code>
        </p>
        <form onSubmit={(e) => void unlock(e)}>
          <label>
            Setup code
            <input
              data-testid="setup-code"
              inputMode="numeric"
              autoComplete="off"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </label>
          <button type="submit" data-testid="setup-unlock">
            Continue
          </button>
        </form>
        {status}
      </main>
    );
  }

  return (
    <main className="setup-screen" data-testid="setup-screen">
      <h1>Set up this machine</h1>
      <form onSubmit={(e) => void finish(e)}>
        <fieldset>
          <legend>Platform</legend>
          <label>
            Server generation
            <select
              data-testid="setup-profile"
              value={profile}
              onChange={(e) => setProfile(e.target.value as 'v1' | 'v2')}
            >
              <option value="v1">MyRVM v1 (rvm-credentials.json)</option>
              <option value="v2">MyRVM v2 (machine account)</option>
            </select>
          </label>
          <label>
            Server address
            <input data-testid="setup-base-url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
          </label>
          {profile === 'v1' ? (
            <>
              <label>
                rvm-credentials.json (from a USB stick)
                <input
                  data-testid="setup-credentials-file"
                  type="file"
                  accept=".json,application/json"
                  onChange={readFile}
                />
              </label>
              <label>
                or paste its contents
                <textarea
                  data-testid="setup-credentials"
                  rows={4}
                  value={credentials}
                  onChange={(e) => setCredentials(e.target.value)}
                />
              </label>
            </>
          ) : (
            <>
              <label>
                RVM id
                <input
                  data-testid="setup-rvm-id"
                  inputMode="numeric"
                  value={rvmId}
                  onChange={(e) => setRvmId(e.target.value)}
                />
              </label>
              <label>
                Machine account e-mail
                <input
                  data-testid="setup-email"
                  type="email"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                />
              </label>
              <label>
                Password
                <input
                  data-testid="setup-password"
                  type="password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              </label>
              <label>
                Machine API key (optional)
                <input
                  data-testid="setup-api-key"
                  type="password"
                  value={apiKey}
                  onChange={(e) => setApiKey(e.target.value)}
                />
              </label>
            </>
          )}
          <button type="button" data-testid="setup-test" disabled={busy} onClick={() => void test()}>
            Test connection
          </button>
        </fieldset>
        <fieldset>
          <legend>Camera, model and time</legend>
          <label>
            Camera
            <input
              data-testid="setup-camera"
              list="setup-cameras"
              value={camera}
              onChange={(e) => setCamera(e.target.value)}
            />
            <datalist id="setup-cameras">
              {options?.cameras.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
            {options && options.cameras.length === 0 && (
              <small>No camera found under /dev/video*: check the cable.</small>
            )}
          </label>
          <label>
            Model
            <select data-testid="setup-model" value={manifest} onChange={(e) => setManifest(e.target.value)}>
              {options?.models.map((m) => (
                <option key={m.manifest} value={m.manifest}>
                  {m.label}
                </option>
              ))}
            </select>
            {options && options.models.length === 0 && (
              <small>No model manifest in the data folder&apos;s models/: copy the model and its manifest there.</small>
            )}
          </label>
          <label>
            Time zone
            <input
              data-testid="setup-timezone"
              list="setup-timezones"
              value={timezone}
              onChange={(e) => setTimezone(e.target.value)}
            />
            <datalist id="setup-timezones">
              {options?.timezones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </label>
        </fieldset>
        <fieldset>
          <legend>First technician</legend>
          <label>
            Name
            <input data-testid="setup-tech-name" value={techName} onChange={(e) => setTechName(e.target.value)} />
          </label>
          <label>
            PIN (6 digits)
            <input
              data-testid="setup-pin"
              type="password"
              inputMode="numeric"
              value={pin}
              onChange={(e) => setPin(e.target.value)}
            />
          </label>
          <label>
            PIN again
            <input
              data-testid="setup-pin2"
              type="password"
              inputMode="numeric"
              value={pin2}
              onChange={(e) => setPin2(e.target.value)}
            />
          </label>
        </fieldset>
        <button type="submit" data-testid="setup-finish" disabled={busy || done}>
          Finish setup
        </button>
      </form>
      {status}
    </main>
  );
}
