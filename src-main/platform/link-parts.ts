import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { Config } from '../config/config.schema';
import type { Clock } from '../kernel/clock';
import type { EventHub } from '../kernel/event-hub';
import type { Logger } from '../log/logger';
import type { OutboxRepo } from '../store/outbox.repo';
import type { SessionRepo } from '../store/session.repo';
import type { KeyValue } from './guest-sessions';
import type { HealthSources } from './health-snapshot';
import type { ComponentHardware, MachineComponents } from './machine-components';
import type { MachineAddresses } from './network-address';
import type { DeliveryContext, ModelTarget, PlatformProfile } from './profile';
import type { QrTarget } from './qr-login';
import { CommandRunner, type AuditEntry, type ModelOutcome } from './v1-commands';

/** What the platform link is given: the store, the clock, and plain functions for what it reaches. */
export interface PlatformModuleDeps extends Omit<HealthSources, 'depositsSinceStart'> {
  readonly config: Config;
  readonly dataDir: string;
  readonly outbox: OutboxRepo | undefined;
  readonly sessions: SessionRepo | undefined;
  readonly hub: EventHub;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The platform named a model to run at connect (a profile with `modelTarget`: v1's ai_model). */
  readonly onModelTarget?: (target: ModelTarget) => void;
  /** An orderly restart once no customer is using the machine (v1 RESTART, REBOOT, reboot_edge). */
  readonly onRestart?: (why: string) => void;
  /** The deposit flow, for the member QR login (absent with a broken store). */
  readonly qrTarget?: QrTarget | undefined;
  /**
   * Whether the identify screen shows the member code now: a code is fetched only then. Absent: while
   * identifying (today's identify screen shows it from the start). Call qrShownChanged() on a change.
   */
  readonly showsQr?: () => boolean;
  /** Small durable settings (the store's): the guest sessions opened on the platform. */
  readonly settings?: KeyValue | undefined;
  /** The parts the platform's commands may read or exercise (READ_SENSOR, TRIGGER_ACTUATOR). */
  readonly hardware?: ComponentHardware;
  /** No customer session is open: platform commands wait for it. Absent: always. */
  readonly customerIdle?: () => boolean;
  /** Every platform and technician command, with its result. */
  readonly audit?: (entry: AuditEntry) => void;
  /** The operator's maintenance on (the reason) or off (null); the customer screen follows. */
  readonly maintenance?: (reason: string | null) => void;
  /** A technician is in maintenance (their session shares the out-of-service reason). */
  readonly technicianIn?: () => boolean;
  /** The platform assignment of the technician signed in on a screen (a platform PIN), for their commands. */
  readonly assignmentOf?: (client: string) => string | number | undefined;
  /** Reboots the computer (REBOOT); absent: the kiosk restarts instead. */
  readonly reboot?: (why: string) => void;
  /** The chamber camera's latest frame as JPEG (CAPTURE_IMAGE); absent or null: "no camera frame available". */
  readonly captureFrame?: () => Promise<Uint8Array | null>;
  /** Downloads, hash-checks and swaps in a model (DOWNLOAD_MODEL, check_model_update). */
  readonly offerModel?: (target: ModelTarget) => Promise<ModelOutcome>;
  /** The machine's LAN and VPN addresses; default: read from its network interfaces. */
  readonly addresses?: () => MachineAddresses;
}

/** The platform's commands (v1 heartbeat, technician relay) on the link's ports. */
export function commandRunner(
  profile: PlatformProfile,
  deps: PlatformModuleDeps,
  components: MachineComponents | undefined,
  log: Logger,
): CommandRunner {
  const { baseUrl } = deps.config.platform;
  return new CommandRunner(
    {
      customerIdle: deps.customerIdle ?? (() => true),
      ...(deps.audit ? { audit: deps.audit } : {}),
      ...(deps.maintenance ? { maintenance: deps.maintenance } : {}),
      ...(deps.technicianIn ? { technicianIn: deps.technicianIn } : {}),
      ...(deps.onRestart ? { restart: deps.onRestart } : {}),
      ...(deps.reboot ? { reboot: deps.reboot } : {}),
      ...(deps.captureFrame ? { captureFrame: deps.captureFrame } : {}),
      ...(deps.offerModel ? { offerModel: deps.offerModel } : {}),
      ...(components ? { components } : {}),
    },
    {
      baseUrl,
      uploadTrainingImage: profile.uploadTrainingImage,
      modelTarget: async () => {
        if (profile.modelTarget === undefined) return null; // a generation that names no models
        await profile.connect(); // a fresh handshake: the target the operator set just now
        return profile.modelTarget ?? null;
      },
      checkConnection: async () => {
        await profile.connect();
        return `${profile.labels.connect} with ${baseUrl} worked`;
      },
    },
    deps.clock,
    log,
  );
}

/** What the profiles read while delivering: the store's sessions and items, frames, platform sessions. */
export function deliveryContext(o: {
  readonly deps: PlatformModuleDeps;
  /** False once stopping (the store may be closed). */
  readonly running: () => boolean;
  readonly platformSession: DeliveryContext['platformSession'];
}): DeliveryContext {
  const { deps } = o;
  let standIn: Promise<Uint8Array> | undefined;
  return {
    session: (id) => deps.sessions?.get(id),
    acceptedItems: (id) => deps.sessions?.acceptedItems(id) ?? [],
    saveProgress: (job, progress) => {
      // Stopping (the store may be closed): abandon the delivery; the next start resumes it.
      if (!o.running()) throw new Error('the kiosk is stopping');
      deps.outbox?.saveProgress(job.id, progress, deps.clock.now());
    },
    image: async (path) => {
      if (path && existsSync(path)) return readFile(path);
      // No frame (simulated hardware, a frame lost to a crash): a plain grey stand-in, labelled by size.
      standIn ??= sharp({ create: { width: 64, height: 64, channels: 3, background: '#727272' } })
        .jpeg()
        .toBuffer();
      return standIn;
    },
    platformSession: o.platformSession,
  };
}
