import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApi, contract, err, ok, type Result, type SetupCamera } from '../../src-preload/contract';
import { ApiContext } from '../api-context';
import { useKioskStore } from '../stores/kiosk.store';
import { SetupScreen } from './SetupScreen';

type Options = {
  cameras: string[];
  camera: SetupCamera | null;
  models: Array<{ manifest: string; label: string }>;
  timezones: string[];
};

const OPTIONS: Options = {
  cameras: ['/dev/video2', '/dev/video4'],
  camera: null,
  models: [{ manifest: '/data/models/manifest.json', label: 'yolov8n fixture-1' }],
  timezones: ['Asia/Jakarta', 'Asia/Makassar'],
};

/** Main's side of setup: the code 12345678 unlocks it; every call is recorded. */
function fakeMain(
  options: Options = OPTIONS,
  complete: Result<unknown> = ok({ restarting: true }),
  test: Result<unknown> = ok({ detail: 'linked as RVM 7' }),
) {
  const calls: Array<{ channel: string; payload: unknown }> = [];
  let unlocked = false;
  const answer = (channel: string, payload: unknown): Result<unknown> => {
    if (channel === 'setup.status') return ok({ required: true, unlocked });
    if (channel === 'setup.unlock') {
      unlocked = (payload as { code: string }).code === '12345678';
      return unlocked ? ok({ unlocked: true }) : err('FORBIDDEN', 'wrong code');
    }
    if (channel === 'setup.options') return ok(options);
    if (channel === 'setup.testConnection') return test;
    if (channel === 'setup.complete') return complete;
    return err('UNAVAILABLE', 'not in this test');
  };
  const api = buildApi(contract, {
    invoke: async (channel, payload) => {
      calls.push({ channel, payload });
      return answer(channel, payload);
    },
    subscribe: () => () => undefined,
  });
  return { api, calls };
}

const change = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
/** The words in error next to a field (null: none). */
const fieldError = (testId: string) =>
  screen.getByTestId(testId).closest('label')?.querySelector('[data-testid="field-error"]')?.textContent ?? null;

async function openSetup(main: ReturnType<typeof fakeMain>, reload = () => {}) {
  render(
    <ApiContext.Provider value={main.api}>
      <SetupScreen reload={reload} />
    </ApiContext.Provider>,
  );
  change('setup-code', '12345678');
  fireEvent.click(screen.getByTestId('setup-unlock'));
  await screen.findByTestId('setup-profile');
}

describe('first-boot setup screen', () => {
  // The cases below read the English words; the Indonesian ones and the toggle have a case of their own.
  beforeEach(() => useKioskStore.setState({ locale: 'en' }));
  afterEach(cleanup);

  it('speaks Indonesian by default and English after the toggle, the commands unchanged', async () => {
    useKioskStore.setState({ locale: 'id' });
    const main = fakeMain();
    render(
      <ApiContext.Provider value={main.api}>
        <SetupScreen />
      </ApiContext.Provider>,
    );
    expect(screen.getByRole('heading').textContent).toBe('Siapkan mesin ini');
    expect(screen.getByLabelText('Kode penyiapan')).toBe(screen.getByTestId('setup-code'));
    expect(screen.getByText(/journalctl -u rvm-kiosk/).tagName).toBe('CODE');
    change('setup-code', '12345678');
    fireEvent.click(screen.getByRole('button', { name: 'Lanjut' }));
    await screen.findByTestId('setup-profile');
    expect(screen.getAllByRole('group').map((g) => g.querySelector('legend')?.textContent)).toEqual([
      'Platform',
      'Kamera, model dan waktu',
      'Teknisi pertama',
    ]);
    act(() => fireEvent.click(screen.getByRole('button', { name: 'English' })));
    expect(screen.getByRole('heading').textContent).toBe('Set up this machine');
    expect(screen.getByLabelText('Time zone')).toBe(screen.getByTestId('setup-timezone'));
    expect(screen.getByRole('button', { name: 'Bahasa Indonesia' })).toBeTruthy();
  });

  it('is opened by the setup code only, and says so when the code is wrong', async () => {
    const main = fakeMain();
    render(
      <ApiContext.Provider value={main.api}>
        <SetupScreen />
      </ApiContext.Provider>,
    );
    expect(screen.getByRole('heading').textContent).toBe('Set up this machine');
    change('setup-code', '00000000');
    fireEvent.click(screen.getByTestId('setup-unlock'));
    // Said in the screen's words next to the code, not in main's.
    const error = await screen.findByTestId('field-error');
    expect(error.textContent).toBe('Wrong code: it is the 8 digits after “setup code” in the log.');
    expect(error.closest('label')).toBe(screen.getByTestId('setup-code').closest('label'));
    expect(screen.getByTestId('setup-code').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('setup-profile')).toBeNull();

    change('setup-code', '12345678');
    fireEvent.click(screen.getByTestId('setup-unlock'));
    await screen.findByTestId('setup-profile');
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.queryByTestId('setup-code')).toBeNull();
  });

  it('starts from the first camera and model found, labels every field, and tests a v1 connection', async () => {
    const main = fakeMain();
    await openSetup(main);
    expect(await screen.findByDisplayValue('/dev/video2')).toBe(screen.getByTestId('setup-camera'));
    expect((screen.getByTestId('setup-model') as HTMLSelectElement).value).toBe('/data/models/manifest.json');
    expect((screen.getByLabelText('Time zone') as HTMLInputElement).value).toBe('Asia/Jakarta');
    expect(screen.getByLabelText('Server address')).toBe(screen.getByTestId('setup-base-url'));
    expect(screen.getByLabelText('or paste its contents')).toBe(screen.getByTestId('setup-credentials'));
    expect(screen.getAllByRole('group').map((g) => g.querySelector('legend')?.textContent)).toEqual([
      'Platform',
      'Camera, model and time',
      'First technician',
    ]);
    expect(screen.queryByText(/No camera found/)).toBeNull();

    change('setup-base-url', 'https://rvm.example');
    change('setup-credentials', '{"serial_number":"S1"}');
    fireEvent.click(screen.getByTestId('setup-test'));
    expect((await screen.findByRole('status')).textContent).toBe('Connection works: linked as RVM 7');
    expect(main.calls.find((c) => c.channel === 'setup.testConnection')?.payload).toEqual({
      profile: 'v1',
      baseUrl: 'https://rvm.example',
      credentialsJson: '{"serial_number":"S1"}',
    });
  });

  it('asks for a v2 machine account, refuses two different PINs, then saves everything', async () => {
    const main = fakeMain();
    await openSetup(main);
    await screen.findByDisplayValue('/dev/video2');
    change('setup-profile', 'v2');
    expect(screen.queryByTestId('setup-credentials')).toBeNull();
    change('setup-base-url', 'https://rvm.example');
    change('setup-rvm-id', '7');
    change('setup-email', 'rvm7@example.com');
    change('setup-password', 'secret-pass');
    change('setup-camera', '/dev/video4');
    change('setup-timezone', 'Asia/Makassar');
    change('setup-tech-name', 'Agus');
    change('setup-pin', '135790');
    change('setup-pin2', '135791');
    fireEvent.click(screen.getByTestId('setup-finish'));
    expect((await screen.findByRole('status')).textContent).toBe(
      'Some fields need a fix: see the red words under them.',
    );
    expect(fieldError('setup-pin2')).toBe('The two PINs differ: enter the same 6 digits twice.');
    expect(main.calls.some((c) => c.channel === 'setup.complete')).toBe(false);

    change('setup-pin2', '135790');
    expect(fieldError('setup-pin2')).toBeNull();
    fireEvent.click(screen.getByTestId('setup-finish'));
    await screen.findByText('The kiosk is restarting with it; this screen reloads when the kiosk is back.');
    expect(main.calls.find((c) => c.channel === 'setup.complete')?.payload).toEqual({
      platform: {
        profile: 'v2',
        baseUrl: 'https://rvm.example',
        rvmId: 7,
        email: 'rvm7@example.com',
        password: 'secret-pass',
      },
      camera: { kind: 'v4l2', device: '/dev/video4' },
      manifest: '/data/models/manifest.json',
      timezone: 'Asia/Makassar',
      technician: { name: 'Agus', pin: '135790' },
    });
    expect(screen.getByRole('status').textContent).toMatch(/^Setup saved/);
    expect(screen.queryByTestId('setup-finish')).toBeNull();
  });

  it('says where to look when no camera or model was found', async () => {
    const main = fakeMain({ cameras: [], camera: null, models: [], timezones: [] }, ok({ restarting: false }));
    await openSetup(main);
    const camera = await screen.findByText('No camera found under /dev/video*: check the cable.');
    expect(camera.tagName).toBe('SMALL');
    expect(camera.closest('label')).toBe(screen.getByTestId('setup-camera').closest('label'));
    const model = screen.getByText(/No model manifest in the data folder/);
    expect(model.closest('label')).toBe(screen.getByTestId('setup-model').closest('label'));
    expect((screen.getByTestId('setup-camera') as HTMLInputElement).value).toBe('/dev/video0');
  });

  it('starts from the configured camera, shows the input of the kind chosen, and saves that kind', async () => {
    const main = fakeMain({ ...OPTIONS, camera: { kind: 'stream', url: 'rtsp://10.0.0.9/stream1' } });
    await openSetup(main);
    const url = (await screen.findByDisplayValue('rtsp://10.0.0.9/stream1')) as HTMLInputElement;
    expect(url).toBe(screen.getByTestId('setup-camera-url'));
    expect((screen.getByTestId('setup-camera-kind') as HTMLSelectElement).value).toBe('stream');
    expect(screen.queryByTestId('setup-camera')).toBeNull();
    expect(screen.getByText(/shown without its user and password/).closest('label')).toBe(url.closest('label'));

    change('setup-camera-kind', 'replay');
    expect(screen.queryByTestId('setup-camera-url')).toBeNull();
    expect(screen.getByLabelText(/^Replay folder/)).toBe(screen.getByTestId('setup-camera-folder'));
    change('setup-camera-kind', 'v4l2');
    // A switch to a device offers the first one found.
    expect((screen.getByTestId('setup-camera') as HTMLInputElement).value).toBe('/dev/video2');
    change('setup-camera-kind', 'stream');
    change('setup-camera-url', 'rtsp://admin:pw@10.0.0.9/stream2');
    expect(screen.getByText('Such as rtsp://user:password@camera.local/stream')).toBeTruthy();

    change('setup-base-url', 'https://rvm.example');
    change('setup-credentials', '{"serial_number":"S1"}');
    change('setup-tech-name', 'Agus');
    change('setup-pin', '135790');
    change('setup-pin2', '135790');
    fireEvent.click(screen.getByTestId('setup-finish'));
    await screen.findByTestId('setup-done');
    expect(main.calls.find((c) => c.channel === 'setup.complete')?.payload).toMatchObject({
      camera: { kind: 'stream', url: 'rtsp://admin:pw@10.0.0.9/stream2' },
    });
  });

  it('starts from a configured replay folder', async () => {
    const main = fakeMain({ ...OPTIONS, camera: { kind: 'replay', folder: '/data/replay' } });
    await openSetup(main);
    expect(await screen.findByDisplayValue('/data/replay')).toBe(screen.getByTestId('setup-camera-folder'));
    expect((screen.getByTestId('setup-camera-kind') as HTMLSelectElement).value).toBe('replay');
  });

  it('says what is wrong next to each field before anything is sent, in both languages', async () => {
    const main = fakeMain();
    await openSetup(main);
    await screen.findByDisplayValue('/dev/video2');
    fireEvent.click(screen.getByTestId('setup-test'));
    expect(fieldError('setup-base-url')).toBe('Enter the platform address, like https://myrvm.example');
    expect(fieldError('setup-credentials')).toBe(
      'Choose rvm-credentials.json from the USB stick, or paste its contents.',
    );
    change('setup-credentials', '{"serial_number": ');
    expect(fieldError('setup-credentials')).toBeNull();
    fireEvent.click(screen.getByTestId('setup-finish'));
    expect(fieldError('setup-credentials')).toMatch(/^This is not a valid rvm-credentials\.json/);
    expect(fieldError('setup-tech-name')).toBe('Enter the technician’s name.');
    expect(fieldError('setup-pin')).toBe('The PIN is 6 digits.');
    act(() => useKioskStore.setState({ locale: 'id' }));
    expect(fieldError('setup-base-url')).toBe('Isi alamat platform, seperti https://myrvm.example');
    expect(fieldError('setup-pin')).toBe('PIN terdiri dari 6 angka.');
    expect(main.calls.filter((c) => c.channel !== 'setup.status' && c.channel !== 'setup.options')).toEqual([
      { channel: 'setup.unlock', payload: { code: '12345678' } },
    ]);
  });

  it('puts a refusal from main on the field it names, in words instead of main’s', async () => {
    const refusal = err('BAD_REQUEST', 'Invalid request for setup.complete: ✖ Too small → at timezone', {
      path: ['timezone'],
    });
    await openFilled(fakeMain(OPTIONS, refusal));
    fireEvent.click(screen.getByTestId('setup-finish'));
    await screen.findByTestId('field-error');
    expect(fieldError('setup-timezone')).toBe('Choose a time zone from the list, like Asia/Jakarta');
    expect(screen.queryByText(/Too small/)).toBeNull();
  });

  it('puts a connection test’s refusal on the field it names inside the platform, in words', async () => {
    // What main says of a credentials file that is JSON but not the platform's: its place in the test's request.
    const refusal = err('BAD_REQUEST', 'rvm-credentials.json: api_key Required; download it again from the platform', {
      path: ['credentialsJson'],
    });
    const main = fakeMain(OPTIONS, ok({ restarting: true }), refusal);
    await openSetup(main);
    change('setup-base-url', 'https://rvm.example');
    change('setup-credentials', '{"serial_number":"S1"}');
    fireEvent.click(screen.getByTestId('setup-test'));
    await screen.findByTestId('field-error');
    expect(main.calls.filter((c) => c.channel === 'setup.testConnection')).toHaveLength(1);
    expect(fieldError('setup-credentials')).toMatch(/^This is not a valid rvm-credentials\.json/);
    expect(fieldError('setup-base-url')).toBeNull();
    expect(screen.getByTestId('setup-result').textContent).toBe(
      'Some fields need a fix: see the red words under them.',
    );
    expect(screen.queryByText(/api_key Required/)).toBeNull();
  });

  it('says to restart by hand when the kiosk cannot restart itself', async () => {
    await openFilled(fakeMain(OPTIONS, ok({ restarting: false })));
    fireEvent.click(screen.getByTestId('setup-finish'));
    const done = await screen.findByTestId('setup-done-text');
    expect(done.textContent).toBe(
      'This kiosk cannot restart itself. To use it, restart it by hand: systemctl restart rvm-kiosk (installed kiosk), or start it again the way it was started (npm start / npm run serve).',
    );
    expect([...done.querySelectorAll('code')].map((c) => c.textContent)).toEqual([
      'systemctl restart rvm-kiosk',
      'npm start',
      'npm run serve',
    ]);
  });

  it('reloads once the restarted kiosk is back on the link', async () => {
    act(() => useKioskStore.setState({ link: 'open' }));
    let reloads = 0;
    await openFilled(fakeMain(), () => reloads++);
    fireEvent.click(screen.getByTestId('setup-finish'));
    await screen.findByTestId('setup-done');
    expect(reloads).toBe(0);
    act(() => useKioskStore.setState({ link: 'connecting' }));
    expect(reloads).toBe(0);
    act(() => useKioskStore.setState({ link: 'open' }));
    expect(reloads).toBe(1);
  });

  it('types with the on-screen keyboard into the field in focus', async () => {
    await openSetup(fakeMain());
    const name = screen.getByTestId('setup-tech-name') as HTMLInputElement;
    act(() => name.focus());
    for (const key of ['Capitals', 'A', 'g', 'u', 's']) {
      fireEvent.click(screen.getByRole('button', { name: key }));
    }
    expect(name.value).toBe('Agus');
    const pin = screen.getByTestId('setup-pin') as HTMLInputElement;
    act(() => pin.focus());
    expect(screen.queryByRole('button', { name: 'g' })).toBeNull();
    for (const key of ['1', '3', '5']) fireEvent.click(screen.getByRole('button', { name: key }));
    expect(pin.value).toBe('135');
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByTestId('osk')).toBeNull();
  });
});

/** Setup opened and filled in as it can be saved (a v1 platform). */
async function openFilled(main: ReturnType<typeof fakeMain>, reload = () => {}) {
  await openSetup(main, reload);
  await screen.findByDisplayValue('/dev/video2');
  change('setup-base-url', 'https://rvm.example');
  change('setup-credentials', '{"serial_number":"S1"}');
  change('setup-tech-name', 'Agus');
  change('setup-pin', '135790');
  change('setup-pin2', '135790');
  return main;
}
