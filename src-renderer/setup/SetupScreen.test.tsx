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
function fakeMain(options: Options = OPTIONS, restarting = true) {
  const calls: Array<{ channel: string; payload: unknown }> = [];
  let unlocked = false;
  const answer = (channel: string, payload: unknown): Result<unknown> => {
    if (channel === 'setup.status') return ok({ required: true, unlocked });
    if (channel === 'setup.unlock') {
      unlocked = (payload as { code: string }).code === '12345678';
      return unlocked ? ok({ unlocked: true }) : err('FORBIDDEN', 'wrong code');
    }
    if (channel === 'setup.options') return ok(options);
    if (channel === 'setup.testConnection') return ok({ detail: 'linked as RVM 7' });
    if (channel === 'setup.complete') return ok({ restarting });
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

async function openSetup(main: ReturnType<typeof fakeMain>) {
  render(
    <ApiContext.Provider value={main.api}>
      <SetupScreen />
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
    const result = await screen.findByRole('status');
    expect(result.textContent).toBe('wrong code');
    expect(result.className).toBe('setup-error');
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
    expect((await screen.findByRole('status')).textContent).toBe('The two PINs differ: enter the same 6 digits twice.');
    expect(main.calls.some((c) => c.channel === 'setup.complete')).toBe(false);

    change('setup-pin2', '135790');
    fireEvent.click(screen.getByTestId('setup-finish'));
    await screen.findByText('Setup saved. The kiosk is restarting with it…');
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
    expect(screen.getByRole('status').className).toBe('setup-ok');
    expect((screen.getByTestId('setup-finish') as HTMLButtonElement).disabled).toBe(true);
  });

  it('says where to look when no camera or model was found', async () => {
    const main = fakeMain({ cameras: [], camera: null, models: [], timezones: [] }, false);
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
    await screen.findByText('Setup saved. The kiosk is restarting with it…');
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
});
