import { z } from 'zod';
import type { Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import { ACTUATOR_ACTIONS, type MachineComponents } from './machine-components';
import type { CommandResult, HeartbeatExtras, ModelTarget, PlatformCommand, TechnicianCommandName } from './profile';

/** One line of the audit trail (maintenance/audit-trail.ts writes it). */
export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly detail: string | null;
  readonly result: string;
}

/** How a model offer ended (the model updater's state). */
export interface ModelOutcome {
  readonly state: string;
  readonly reason?: string;
}

/** What the platform's commands act on: plain functions the composition root passes. */
export interface CommandPorts {
  /** No customer session is open: commands wait for it, so nobody is cut short. */
  readonly customerIdle: () => boolean;
  readonly audit?: (entry: AuditEntry) => void;
  /** The operator's maintenance on (the reason customers are shown) or off (null). */
  readonly maintenance?: (reason: string | null) => void;
  /** A technician is working on the machine (their maintenance shares the out-of-service reason). */
  readonly technicianIn?: () => boolean;
  /** An orderly restart of the kiosk, once idle. */
  readonly restart?: (why: string) => void;
  /** Reboots the computer; absent: REBOOT restarts the kiosk instead. */
  readonly reboot?: (why: string) => void;
  /** The chamber camera's latest frame as JPEG; null when there is none. */
  readonly captureFrame?: () => Promise<Uint8Array | null>;
  /** Downloads, hash-checks and swaps in a model (the model updater). */
  readonly offerModel?: (target: ModelTarget) => Promise<ModelOutcome>;
  readonly components?: MachineComponents;
}

/** What the commands need from the platform itself. */
export interface CommandSources {
  readonly baseUrl: string;
  readonly uploadTrainingImage: ((jpeg: Uint8Array) => Promise<string | number>) | undefined;
  /** The model the platform names now (a fresh handshake), with its hash; null when it names none. */
  readonly modelTarget: () => Promise<ModelTarget | null>;
  /** A fresh handshake; resolves to what it found. */
  readonly checkConnection: () => Promise<string>;
}

export const PLATFORM_MAINTENANCE_REASON = 'maintenance: the platform operator put the machine in maintenance';

/** Actions this kiosk refuses, and why (the platform hears the reason in the next heartbeat). */
const REFUSED: Readonly<Record<string, string>> = {
  SHELL_COMMAND: 'this kiosk runs no shell commands from the network',
  RUN_INFERENCE: 'its image_path names a file on the server; this kiosk judges only its own chamber frames',
  GIT_PULL: 'this kiosk is updated with signed packages in its update window, not from git',
  UPDATE_SERVICE: 'this kiosk is updated with signed packages in its update window, not by the platform',
  CAMERA_PERMISSION: 'this kiosk owns its camera; there is no permission to change',
};
const RUNS = new Set([
  'RESTART',
  'REBOOT',
  'MAINTENANCE',
  'EXIT_MAINTENANCE',
  'CAPTURE_IMAGE',
  'DOWNLOAD_MODEL',
  'READ_SENSOR',
  'TRIGGER_ACTUATOR',
]);
/** Results kept for the heartbeat while it fails (the oldest go first). */
const KEEP_RESULTS = 50;

const DownloadModel = z.object({ url: z.string().min(1), slug: z.string().optional(), name: z.string().optional() });
const ReadSensor = z.object({ component_name: z.string().min(1) });
const TriggerActuator = z.object({ component_name: z.string().min(1), action: z.enum(ACTUATOR_ACTIONS) });

/** A command this kiosk will not carry out (as opposed to one that failed). */
class Refusal extends Error {}

interface Queued {
  readonly command: PlatformCommand;
  /** Who asked: the heartbeat's commands, the operator's status in /kiosk/config, or a technician. */
  readonly actor: string;
  /** The audit trail's name for it; by default `platform command <action>`. */
  readonly label?: string;
}

/** A technician's command (v1 `/kiosk/maintenance/command`) as the local action it stands for. */
export const TECHNICIAN_ACTIONS: Readonly<Record<TechnicianCommandName, PlatformCommand>> = {
  test_motor: { action: 'TRIGGER_ACTUATOR', payload: { component_name: 'conveyor', action: 'trigger' } },
  // The driver has a door test cycle (open, then close), not one call for each.
  open_door: { action: 'TRIGGER_ACTUATOR', payload: { component_name: 'door', action: 'trigger' } },
  close_door: { action: 'TRIGGER_ACTUATOR', payload: { component_name: 'door', action: 'trigger' } },
  test_led: { action: 'TRIGGER_ACTUATOR', payload: { component_name: 'led', action: 'trigger' } },
  test_sensor: { action: 'READ_SENSOR', payload: { component_name: 'chamber_sensors' } },
  check_connection: { action: 'CHECK_CONNECTION' },
  reboot_edge: { action: 'RESTART' },
  check_model_update: { action: 'CHECK_MODEL_UPDATE' },
};

/**
 * The v1 dev line's heartbeat commands: each one audited, carried out only while no customer session
 * is open (in arrival order), its result reported in the next heartbeat. Commands the kiosk must not
 * run (a shell, a server-side inference, anything unknown) are refused at once with the reason.
 */
export class CommandRunner {
  readonly #queue: Queued[] = [];
  #results: CommandResult[] = [];
  #captureComplete = false;
  #running = false;
  #maintenance = false;
  #waitingLogged = false;
  readonly #log: Logger;

  constructor(
    private readonly ports: CommandPorts,
    private readonly sources: CommandSources,
    private readonly clock: Clock,
    logger: Logger,
  ) {
    this.#log = logger.scope('commands');
  }

  /** Whether the platform's operator holds the machine in maintenance (last command or status). */
  get inMaintenance(): boolean {
    return this.#maintenance;
  }

  /** Commands waiting for the customer to finish. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Commands from a heartbeat. */
  take(commands: readonly PlatformCommand[], actor = 'platform'): void {
    for (const command of commands) {
      const refused = RUNS.has(command.action)
        ? undefined
        : (REFUSED[command.action] ?? `unknown action "${command.action}"`);
      if (refused) this.#finish({ command, actor }, 'refused', refused);
      else this.#queue.push({ command, actor });
    }
    this.poke();
  }

  /** The operator's status (handshake policy, /kiosk/config): the machine follows it, when idle. */
  follow(maintenance: boolean): void {
    const queued = this.#queue.some(
      (q) => q.command.action === 'MAINTENANCE' || q.command.action === 'EXIT_MAINTENANCE',
    );
    if (maintenance === this.#maintenance || queued) return;
    this.take([{ action: maintenance ? 'MAINTENANCE' : 'EXIT_MAINTENANCE' }], 'platform (operator status)');
  }

  /** A technician left maintenance (which cleared its out-of-service reason): the operator's stays. */
  technicianLeft(): void {
    if (this.#maintenance) this.ports.maintenance?.(PLATFORM_MAINTENANCE_REASON);
  }

  /** Runs what may run now (call when a customer session ends). */
  poke(): void {
    if (!this.#running && this.#queue.length) void this.#drain();
  }

  /** What the next heartbeat carries; after it went through, `reported()` forgets it. */
  extras(): HeartbeatExtras {
    return { captureComplete: this.#captureComplete, commandResults: [...this.#results] };
  }

  reported(sent: HeartbeatExtras): void {
    if (sent.captureComplete) this.#captureComplete = false;
    this.#results = this.#results.filter((r) => !sent.commandResults.includes(r));
  }

  /** A technician's command, carried out now (the customer flow is closed while they work). */
  async runTechnician(command: TechnicianCommandName, technician: string, requestId: string): Promise<CommandResult> {
    const label = `technician command ${command} (platform request ${requestId})`;
    return this.#run({ command: TECHNICIAN_ACTIONS[command], actor: technician, label });
  }

  /** A technician's command the platform refused: audited, not carried out. */
  refusedTechnician(command: TechnicianCommandName, technician: string, reason: string): CommandResult {
    const q = { command: { action: command }, actor: technician, label: `technician command ${command}` };
    return this.#finish(q, 'refused', `the platform refused it: ${reason}`);
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length) {
        if (!this.ports.customerIdle()) {
          if (!this.#waitingLogged) this.#log.info(`${this.#queue.length} platform command(s) wait for the customer`);
          this.#waitingLogged = true;
          return;
        }
        this.#waitingLogged = false;
        const next = this.#queue.shift()!;
        // A download can take minutes: it goes on alone, its result reported when it ends.
        if (next.command.action === 'DOWNLOAD_MODEL') void this.#run(next);
        else await this.#run(next);
      }
    } finally {
      this.#running = false;
    }
  }

  async #run(q: Queued): Promise<CommandResult> {
    try {
      return this.#finish(q, 'done', await this.#execute(q.command));
    } catch (error) {
      return this.#finish(q, error instanceof Refusal ? 'refused' : 'failed', (error as Error).message);
    }
  }

  #finish(q: Queued, result: CommandResult['result'], detail: string): CommandResult {
    const { action, timestamp, payload } = q.command;
    const entry: CommandResult = { action, timestamp: timestamp ?? null, result, detail, at: this.clock.now() };
    this.#results = [...this.#results, entry].slice(-KEEP_RESULTS);
    const line = `${q.label ?? `platform command ${action}`} ${result}: ${detail}`;
    if (result === 'done') this.#log.info(line);
    else this.#log.warn(line);
    const shown = payload === undefined ? null : JSON.stringify(payload).slice(0, 300);
    const name = q.label ?? `platform command ${action}`;
    this.ports.audit?.({ actor: q.actor, action: name, detail: shown, result: `${result}: ${detail}` });
    return entry;
  }

  async #execute(command: PlatformCommand): Promise<string> {
    const { ports } = this;
    switch (command.action) {
      case 'RESTART':
        if (!ports.restart) throw new Error('this runtime cannot restart itself');
        ports.restart('the platform asked (RESTART)');
        return 'the kiosk restarts';
      case 'REBOOT':
        if (ports.reboot) {
          ports.reboot('the platform asked (REBOOT)');
          return 'the computer reboots';
        }
        if (!ports.restart) throw new Error('this runtime can neither reboot nor restart itself');
        ports.restart('the platform asked (REBOOT)');
        return 'this kiosk cannot reboot the computer; the kiosk restarts instead';
      case 'MAINTENANCE':
      case 'EXIT_MAINTENANCE':
        return this.#setMaintenance(command.action === 'MAINTENANCE');
      case 'CAPTURE_IMAGE':
        return this.#capture();
      case 'DOWNLOAD_MODEL':
        return this.#downloadModel(payloadOf(DownloadModel, command));
      case 'READ_SENSOR':
        return this.readSensor(payloadOf(ReadSensor, command).component_name);
      case 'TRIGGER_ACTUATOR': {
        const p = payloadOf(TriggerActuator, command);
        return this.triggerActuator(p.component_name, p.action);
      }
      // Only a technician's commands come here (the heartbeat refuses these names as unknown).
      case 'CHECK_CONNECTION':
        return this.sources.checkConnection();
      case 'CHECK_MODEL_UPDATE': {
        const target = await this.sources.modelTarget();
        return target ? this.installModel(target) : 'the platform names no model to run';
      }
      default:
        throw new Refusal(`unknown action "${command.action}"`);
    }
  }

  #setMaintenance(on: boolean): string {
    if (!this.ports.maintenance) throw new Error('this kiosk has no customer flow to close (no store)');
    const was = this.#maintenance;
    this.#maintenance = on;
    // A technician at work keeps the machine closed; their leaving opens it.
    if (on || !this.ports.technicianIn?.()) this.ports.maintenance(on ? PLATFORM_MAINTENANCE_REASON : null);
    if (on) return was ? 'already in maintenance' : 'in maintenance: customers see the machine closed';
    return was ? 'maintenance ended: customers are served again' : 'not in maintenance';
  }

  async #capture(): Promise<string> {
    const upload = this.sources.uploadTrainingImage;
    if (!upload) throw new Refusal('this platform takes no training images');
    const frame = (await this.ports.captureFrame?.()) ?? null;
    if (!frame) throw new Error('no camera frame available');
    const id = await upload(frame);
    this.#captureComplete = true;
    return `chamber frame uploaded (training image ${id})`;
  }

  async readSensor(name: string): Promise<string> {
    const sensors = this.ports.components?.sensors ?? {};
    const read = Object.hasOwn(sensors, name) ? sensors[name] : undefined;
    if (!read)
      throw new Refusal(`no sensor "${name}" (this machine has: ${Object.keys(sensors).join(', ') || 'none'})`);
    return `${name}: ${await read()}`;
  }

  async triggerActuator(name: string, action: (typeof ACTUATOR_ACTIONS)[number]): Promise<string> {
    const actuators = this.ports.components?.actuators ?? {};
    const run = Object.hasOwn(actuators, name) ? actuators[name] : undefined;
    if (!run) {
      throw new Refusal(`no actuator "${name}" (this machine has: ${Object.keys(actuators).join(', ') || 'none'})`);
    }
    return `${name} ${action}: ${await run(action)}`;
  }

  /**
   * A model named by the platform's playground. The command carries no hash, so the model is taken
   * only when the handshake's ai_model names it (by address or version) with its SHA-256.
   */
  async #downloadModel(p: z.infer<typeof DownloadModel>): Promise<string> {
    const offer = this.ports.offerModel;
    if (!offer) throw new Refusal('this kiosk runs no model (vision.enabled is off)');
    let url: string;
    try {
      url = new URL(p.url, this.sources.baseUrl).href;
    } catch {
      throw new Refusal(`"${p.url}" is not an address`);
    }
    const target = await this.sources.modelTarget();
    const names = [p.slug, p.name].filter((n): n is string => !!n);
    if (!target || (target.url !== url && !names.includes(target.version))) {
      throw new Refusal(
        `no SHA-256 to check ${p.name ?? p.slug ?? url} against: the command carries none and the handshake names ${target ? `model ${target.version}` : 'no model'}`,
      );
    }
    return this.installModel({ ...target, url });
  }

  /** Offers a hash-checked target to the model updater; a refusal fails the command with its reason. */
  async installModel(target: ModelTarget): Promise<string> {
    if (!this.ports.offerModel) throw new Refusal('this kiosk runs no model (vision.enabled is off)');
    const outcome = await this.ports.offerModel(target);
    if (outcome.state === 'refused') throw new Error(`model ${target.version} refused: ${outcome.reason ?? ''}`);
    if (outcome.state === 'installed') return `model ${target.version} installed`;
    return `model ${target.version}: ${outcome.state === 'none' ? 'already running' : outcome.state}`;
  }
}

/** A command's payload checked against its schema (a JSON string is read too); a bad one is refused. */
function payloadOf<T>(schema: z.ZodType<T>, command: PlatformCommand): T {
  let payload = command.payload;
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload) as unknown;
    } catch {
      // Checked as the string it is below.
    }
  }
  const parsed = schema.safeParse(payload ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Refusal(`its payload is invalid at ${issue?.path.join('.') || '(payload)'}: ${issue?.message}`);
}
