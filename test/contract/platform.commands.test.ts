import { afterEach, describe, expect, it } from 'vitest';
import type { ModelTarget } from '../../src-main/platform/profile';
import { PLATFORM_MAINTENANCE_REASON } from '../../src-main/platform/v1-commands';
import { PlatformDouble } from '../platform-double/double';
import { waitFor } from '../support/wait-for';
import { openLink, pump, recordingHardware, v1Env, type Link } from './platform-link';

// Issue #22 part 6: the v1 dev line's heartbeat commands, from the double's operator through the
// heartbeat to the machine's ports, and their results back in the next heartbeat.

let double: PlatformDouble;
const links: Link[] = [];
afterEach(async () => {
  links.splice(0).forEach((l) => l.stop());
  await double.close();
});

interface Results {
  diagnostics?: { command_results?: Array<{ action: string; result: string; detail: string }> };
  capture_complete?: boolean;
}
/** Every command result the double has heard, in order. */
const heard = () =>
  double.heartbeats
    .flatMap((h) => (h as Results).diagnostics?.command_results ?? [])
    .map((r) => [r.action, r.result, r.detail]);

/** A v1 link on the dev line with every port a command reaches, recorded. */
async function devLink(o: { frame?: boolean; idle?: () => boolean } = {}) {
  double = await new PlatformDouble({ line: 'dev' }).start();
  const { hardware, moved } = recordingHardware();
  const maintenance: Array<string | null> = [];
  const offered: ModelTarget[] = [];
  const restarts: string[] = [];
  const link = openLink(double, v1Env(double), {
    deps: {
      hardware,
      maintenance: (reason) => maintenance.push(reason),
      onRestart: (why) => restarts.push(why),
      offerModel: async (target) => {
        offered.push(target);
        return { state: 'installed' };
      },
      ...(o.frame ? { captureFrame: async () => new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) } : {}),
      ...(o.idle ? { customerIdle: o.idle } : {}),
    },
  });
  links.push(link);
  link.module.start();
  await waitFor('the handshake', () => link.module.status().state === 'online');
  return { link, moved, maintenance, offered, restarts };
}

/** Heartbeats until `n` results came back. */
const untilHeard = (link: Link, n: number) =>
  pump(link.clock, 60_000, `${n} command results`, () => heard().length >= n);

describe('v1 dev line commands', () => {
  it('each command carried out through its port, audited, and its result in the next heartbeat', async () => {
    const t = await devLink({ frame: true });
    double.aiModel = { target_version: 'v9', hash: 'cd'.repeat(32), update_source_url: '/models/v9.onnx' };
    double.command('READ_SENSOR', { component_name: 'bin_level' });
    double.command('TRIGGER_ACTUATOR', { component_name: 'conveyor', action: 'trigger' });
    double.command('CAPTURE_IMAGE');
    double.command('DOWNLOAD_MODEL', { slug: 'v9', url: `${double.url}/models/v9.onnx`, name: 'YOLO v9' });
    double.command('SHELL_COMMAND', { command: 'cat /etc/shadow' });
    double.command('RUN_INFERENCE', { image_path: '/srv/a.jpg', model_slug: 'v9', confidence: 0.5 });
    double.command('CAMERA_PERMISSION');
    double.command('FORMAT_DISK');
    double.command('REBOOT');
    await untilHeard(t.link, 9);
    expect(heard()).toEqual([
      ['SHELL_COMMAND', 'refused', 'this kiosk runs no shell commands from the network'],
      ['RUN_INFERENCE', 'refused', expect.stringContaining('names a file on the server')],
      ['CAMERA_PERMISSION', 'refused', expect.stringContaining('owns its camera')],
      ['FORMAT_DISK', 'refused', 'unknown action "FORMAT_DISK"'],
      ['READ_SENSOR', 'done', 'bin_level: 37 %'],
      ['TRIGGER_ACTUATOR', 'done', 'conveyor trigger: conveyor exercised'],
      ['CAPTURE_IMAGE', 'done', 'chamber frame uploaded (training image 1)'],
      ['REBOOT', 'done', 'this kiosk cannot reboot the computer; the kiosk restarts instead'],
      ['DOWNLOAD_MODEL', 'done', 'model v9 installed'],
    ]);
    expect(t.moved).toEqual(['conveyor']);
    expect(t.offered).toEqual([{ version: 'v9', sha256: 'cd'.repeat(32), url: `${double.url}/models/v9.onnx` }]);
    expect(t.restarts).toEqual(['the platform asked (REBOOT)']);
    expect(double.datasetUploads).toEqual([{ id: 1, size: 4, type: 'image/jpeg', cameraPort: null }]);
    // capture_complete rode the heartbeat after the upload; the double set the last capture time.
    expect(double.heartbeats.filter((h) => (h as Results).capture_complete === true)).toHaveLength(1);
    expect(double.lastCaptureAt).not.toBeNull();
    expect(t.link.audit.map((a) => [a.actor, a.action, a.result.split(':')[0]])).toEqual(
      expect.arrayContaining([
        ['platform', 'platform command SHELL_COMMAND', 'refused'],
        ['platform', 'platform command CAPTURE_IMAGE', 'done'],
        ['platform', 'platform command REBOOT', 'done'],
      ]),
    );
    expect(t.link.audit).toHaveLength(9);
    // The handshake told the platform which components its commands may name.
    expect(double.handshakes[0]).toMatchObject({
      hardware_info: {
        sensors: [{ name: 'bin_level' }, { name: 'chamber_sensors' }, { name: 'scale' }],
        actuators: [{ name: 'door' }, { name: 'conveyor' }, { name: 'led' }],
      },
    });
  });

  it('CAPTURE_IMAGE without a camera frame, and a model without a hash, fail with the reason', async () => {
    const t = await devLink();
    double.command('CAPTURE_IMAGE');
    double.command('DOWNLOAD_MODEL', { slug: 'v10', url: '/models/v10.onnx', name: 'YOLO v10' });
    await untilHeard(t.link, 2);
    expect(heard()).toEqual(
      expect.arrayContaining([
        ['CAPTURE_IMAGE', 'failed', 'no camera frame available'],
        ['DOWNLOAD_MODEL', 'refused', expect.stringContaining('no SHA-256 to check YOLO v10 against')],
      ]),
    );
    expect([double.datasetUploads, t.offered]).toEqual([[], []]);
  });

  it('MAINTENANCE waits for the customer; /kiosk/config status is followed after the operator ends it', async () => {
    let idle = false;
    const t = await devLink({ idle: () => idle });
    double.command('MAINTENANCE');
    expect(double.machineStatus).toBe('maintenance');
    await pump(t.link.clock, 60_000, 'the command, waiting', () => t.link.module.commandsWaiting === 1);
    expect(t.maintenance).toEqual([]);
    // The customer's session ends: the command runs (at the latest with the next heartbeat).
    idle = true;
    await pump(t.link.clock, 60_000, 'maintenance', () => t.maintenance.length === 1);
    expect(t.maintenance).toEqual([PLATFORM_MAINTENANCE_REASON]);
    expect(t.link.module.operatorMaintenance).toBe(true);
    // The operator ends it on the dashboard (no command): the next /kiosk/config says so.
    double.machineStatus = 'online';
    await pump(t.link.clock, 60_000, 'the end of maintenance', () => t.maintenance.length === 2);
    expect(t.maintenance[1]).toBeNull();
    expect(t.link.audit.map((a) => a.actor)).toEqual(['platform', 'platform (operator status)']);
  });

  it('a command is delivered once: a second heartbeat gets nothing, and results are sent once', async () => {
    const t = await devLink();
    double.command('READ_SENSOR', { component_name: 'scale' });
    await untilHeard(t.link, 1);
    const beats = double.heartbeats.length;
    await pump(t.link.clock, 60_000, 'two more heartbeats', () => double.heartbeats.length >= beats + 2);
    expect(heard()).toEqual([['READ_SENSOR', 'done', 'scale: 24 g']]);
    expect(t.link.audit).toHaveLength(1);
  });
});

describe.each<'master' | 'dev'>(['master', 'dev'])('v1 %s heartbeat', (line) => {
  it('comes at least every 60 s even with platform.heartbeatS = 300', async () => {
    double = await new PlatformDouble({ line }).start();
    const link = openLink(double, { ...v1Env(double), RVM_PLATFORM__HEARTBEAT_S: '300' });
    links.push(link);
    link.module.start();
    await waitFor('the handshake', () => link.module.status().state === 'online');
    for (let beat = 1; beat <= 2; beat++) {
      await waitFor(`heartbeat ${beat}`, () => {
        if (double.heartbeats.length < beat) link.clock.advance(60_000);
        return double.heartbeats.length >= beat;
      });
    }
    expect(double.heartbeats).toHaveLength(2);
    expect(double.heartbeats[0]).toMatchObject({ ip_local: '192.168.7.20', tailscale_ip: null });
  });
});
