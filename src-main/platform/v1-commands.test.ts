import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock';
import { createLogger } from '../log/logger';
import { hardwareComponents, type ComponentHardware } from './machine-components';
import type { ModelTarget } from './profile';
import { CommandRunner, PLATFORM_MAINTENANCE_REASON, type AuditEntry, type CommandPorts } from './v1-commands';

// The command runner alone, on plain functions: what each action does, when it runs, what it
// reports. The same commands through the heartbeat and the double: test/contract/platform.commands.test.ts.

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const TARGET: ModelTarget = { version: 'v9', sha256: 'ab'.repeat(32), url: 'http://platform.test/models/v9.onnx' };

function runner(over: Partial<CommandPorts> = {}, target: ModelTarget | null = TARGET) {
  const audit: AuditEntry[] = [];
  const moved: string[] = [];
  const hardware: ComponentHardware = {
    test: async (part) => {
      moved.push(part);
      return `${part} ok`;
    },
    binLevelPercent: () => 42.4,
    weightG: () => null,
  };
  const maintenance: Array<string | null> = [];
  const offered: ModelTarget[] = [];
  let idle = true;
  const ports: CommandPorts = {
    customerIdle: () => idle,
    audit: (e) => audit.push(e),
    maintenance: (reason) => maintenance.push(reason),
    restart: () => moved.push('restart'),
    offerModel: async (t) => {
      offered.push(t);
      return { state: 'installed' };
    },
    components: hardwareComponents(hardware),
    ...over,
  };
  const commands = new CommandRunner(
    ports,
    {
      baseUrl: 'http://platform.test',
      uploadTrainingImage: async () => 12,
      modelTarget: async () => target,
      checkConnection: async () => 'handshake worked',
    },
    new FakeClock(),
    logger,
  );
  return {
    commands,
    audit,
    moved,
    maintenance,
    offered,
    setIdle: (v: boolean) => (idle = v),
    results: () => commands.extras().commandResults.map((r) => [r.action, r.result, r.detail]),
  };
}

/** Lets the runner's promise chain settle (each command awaits its port). */
const settle = () => new Promise((r) => setImmediate(r));

describe('CommandRunner', () => {
  it('refuses a shell, a server-side inference, updates from git and unknown actions, each audited with why', () => {
    const t = runner();
    t.commands.take([
      { action: 'SHELL_COMMAND', payload: { command: 'rm -rf /' }, timestamp: 't1' },
      { action: 'RUN_INFERENCE', payload: { image_path: '/srv/x.jpg' } },
      { action: 'GIT_PULL' },
      { action: 'SELF_DESTRUCT' },
    ]);
    expect(t.results()).toEqual([
      ['SHELL_COMMAND', 'refused', 'this kiosk runs no shell commands from the network'],
      ['RUN_INFERENCE', 'refused', expect.stringContaining('image_path names a file on the server')],
      ['GIT_PULL', 'refused', expect.stringContaining('signed packages')],
      ['SELF_DESTRUCT', 'refused', 'unknown action "SELF_DESTRUCT"'],
    ]);
    expect(t.audit[0]).toEqual({
      actor: 'platform',
      action: 'platform command SHELL_COMMAND',
      detail: '{"command":"rm -rf /"}',
      result: 'refused: this kiosk runs no shell commands from the network',
    });
    expect(t.audit).toHaveLength(4);
  });

  it('waits while a customer session is open, then runs the queue in order', async () => {
    const t = runner();
    t.setIdle(false);
    t.commands.take([{ action: 'MAINTENANCE' }, { action: 'READ_SENSOR', payload: { component_name: 'bin_level' } }]);
    await settle();
    expect([t.commands.waiting, t.maintenance, t.audit]).toEqual([2, [], []]);
    t.setIdle(true);
    t.commands.poke();
    await settle();
    expect(t.maintenance).toEqual([PLATFORM_MAINTENANCE_REASON]);
    expect(t.results()).toEqual([
      ['MAINTENANCE', 'done', 'in maintenance: customers see the machine closed'],
      ['READ_SENSOR', 'done', 'bin_level: 42 %'],
    ]);
    expect(t.commands.inMaintenance).toBe(true);
  });

  it('reads sensors and triggers actuators by the names the handshake reports; other names and actions are refused', async () => {
    const t = runner();
    t.commands.take([
      { action: 'TRIGGER_ACTUATOR', payload: { component_name: 'door', action: 'trigger' } },
      { action: 'TRIGGER_ACTUATOR', payload: { component_name: 'door', action: 'open' } },
      { action: 'TRIGGER_ACTUATOR', payload: { component_name: 'hatch', action: 'trigger' } },
      { action: 'READ_SENSOR', payload: '{"component_name":"chamber_sensors"}' },
      { action: 'READ_SENSOR', payload: { component_name: 'scale' } },
      { action: 'READ_SENSOR', payload: { component_name: 'constructor' } },
      { action: 'READ_SENSOR', payload: {} },
    ]);
    await settle();
    expect(t.results()).toEqual([
      ['TRIGGER_ACTUATOR', 'done', 'door trigger: door ok'],
      ['TRIGGER_ACTUATOR', 'failed', 'door takes "trigger" only (the driver runs its test cycle), not "open"'],
      ['TRIGGER_ACTUATOR', 'refused', 'no actuator "hatch" (this machine has: door, conveyor, led)'],
      ['READ_SENSOR', 'done', 'chamber_sensors: sensors ok'],
      ['READ_SENSOR', 'failed', 'this machine has no scale'],
      ['READ_SENSOR', 'refused', expect.stringContaining('no sensor "constructor"')],
      ['READ_SENSOR', 'refused', expect.stringContaining('payload is invalid at component_name')],
    ]);
    expect(t.moved).toEqual(['door', 'sensors']);
  });

  it('DOWNLOAD_MODEL installs only what the handshake names with its hash', async () => {
    const t = runner();
    t.commands.take([
      { action: 'DOWNLOAD_MODEL', payload: { slug: 'v9', url: '/models/v9.onnx', name: 'YOLO v9' } },
      { action: 'DOWNLOAD_MODEL', payload: { slug: 'other', url: 'http://elsewhere.test/x.onnx', name: 'X' } },
    ]);
    await settle();
    await settle();
    expect(t.offered).toEqual([TARGET]);
    // Each download goes on alone: the results come as they end.
    const results = t.results();
    expect(results).toHaveLength(2);
    expect(results).toEqual(
      expect.arrayContaining([
        ['DOWNLOAD_MODEL', 'done', 'model v9 installed'],
        [
          'DOWNLOAD_MODEL',
          'refused',
          'no SHA-256 to check X against: the command carries none and the handshake names model v9',
        ],
      ]),
    );
  });

  it('CAPTURE_IMAGE without a camera frame fails with the reason; with one, the next heartbeat says capture_complete', async () => {
    const none = runner();
    none.commands.take([{ action: 'CAPTURE_IMAGE' }]);
    await settle();
    expect(none.results()).toEqual([['CAPTURE_IMAGE', 'failed', 'no camera frame available']]);
    expect(none.commands.extras().captureComplete).toBe(false);

    const t = runner({ captureFrame: async () => new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) });
    t.commands.take([{ action: 'CAPTURE_IMAGE' }]);
    await settle();
    const extras = t.commands.extras();
    expect(extras.captureComplete).toBe(true);
    expect(t.results()).toEqual([['CAPTURE_IMAGE', 'done', 'chamber frame uploaded (training image 12)']]);
    t.commands.reported(extras);
    expect(t.commands.extras()).toEqual({ captureComplete: false, commandResults: [] });
  });

  it('REBOOT restarts the kiosk where the computer cannot be rebooted; the operator status is followed once', async () => {
    const t = runner();
    t.commands.take([{ action: 'REBOOT' }]);
    t.commands.follow(true);
    t.commands.follow(true);
    await settle();
    t.commands.follow(false);
    await settle();
    expect(t.moved).toEqual(['restart']);
    expect(t.maintenance).toEqual([PLATFORM_MAINTENANCE_REASON, null]);
    expect(t.audit.map((a) => [a.actor, a.action])).toEqual([
      ['platform', 'platform command REBOOT'],
      ['platform (operator status)', 'platform command MAINTENANCE'],
      ['platform (operator status)', 'platform command EXIT_MAINTENANCE'],
    ]);
    expect(t.results()[0]).toEqual([
      'REBOOT',
      'done',
      'this kiosk cannot reboot the computer; the kiosk restarts instead',
    ]);
  });

  it('leaves the machine closed while a technician works; their leaving keeps the operator maintenance', async () => {
    let technician = true;
    const t = runner({ technicianIn: () => technician });
    t.commands.take([{ action: 'MAINTENANCE' }]);
    await settle();
    technician = false;
    t.commands.technicianLeft();
    technician = true;
    t.commands.take([{ action: 'EXIT_MAINTENANCE' }]);
    await settle();
    // Not cleared while the technician is in: their leaving opens the machine.
    expect(t.maintenance).toEqual([PLATFORM_MAINTENANCE_REASON, PLATFORM_MAINTENANCE_REASON]);
    expect(t.commands.inMaintenance).toBe(false);
  });
});
