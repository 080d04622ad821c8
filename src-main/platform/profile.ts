import { TECHNICIAN_COMMANDS } from '../../src-preload/contract';
import type { OutboxJob } from '../store/outbox.repo';
import type { DeliveredItem, SessionRow } from '../store/session.repo';

/** What the platform profiles need from the rest of the kiosk to deliver a job. */
export interface DeliveryContext {
  session(id: string): SessionRow | undefined;
  acceptedItems(sessionId: string): DeliveredItem[];
  /** Durably records a finished step of a multi-request delivery. */
  saveProgress(job: OutboxJob, progress: unknown): void;
  /** The verdict frame as JPEG bytes, or a stand-in when the item has none (simulated or lost). */
  image(path: string | null | undefined): Promise<Uint8Array>;
  /**
   * The platform's reference for a session: the member's claim, else the platform session opened for a
   * guest or donation customer (opened at the session's first delivery and kept), else null.
   */
  platformSession(sessionId: string): Promise<string | null>;
}

export interface HealthSnapshot {
  readonly cpuPercent: number | null;
  readonly memoryPercent: number | null;
  readonly diskPercent: number | null;
  readonly temperatureC: number | null;
  readonly binLevelPercent: number;
  readonly uptimeS: number;
  readonly depositsSinceStart: number;
  readonly appVersion: string;
  readonly modelVersion: string | null;
  readonly cameras: readonly CameraInfo[];
  /** Active alerts (maintenance monitor), for the platform's dashboards. */
  readonly alerts: readonly HealthAlert[];
}

export interface HealthAlert {
  readonly rule: string;
  readonly title: string;
  readonly severity: 'warning' | 'critical';
  readonly value: number;
  readonly firedAt: number;
}

/** A camera as the v1 heartbeat's discovery lists it. */
export interface CameraInfo {
  readonly id: string;
  readonly path: string;
  readonly name: string;
  readonly status: 'active' | 'inactive' | 'error';
}

export interface QrSession {
  /** What the QR code encodes. */
  readonly content: string;
  /** The token to poll with. */
  readonly token: string;
  readonly expiresAt: number;
}

export type QrStatus =
  | { readonly status: 'pending' | 'expired' }
  | {
      readonly status: 'claimed';
      readonly member: { readonly memberId: string; readonly name?: string };
      /** The platform's reference for the session (sent with each deposit). */
      readonly platformSession: string;
    };

/** A command the platform asked the machine to run (v1 heartbeat), `payload` as the server sent it. */
export interface PlatformCommand {
  readonly action: string;
  readonly payload?: unknown;
  readonly timestamp?: string | undefined;
}

/** How a platform command ended; the next heartbeat reports it (the platform has no acknowledgement call). */
export interface CommandResult {
  readonly action: string;
  /** The command's own timestamp, which tells two commands of one action apart. */
  readonly timestamp: string | null;
  readonly result: 'done' | 'failed' | 'refused';
  readonly detail: string;
  readonly at: number;
}

/** What a heartbeat tells besides the machine's health (v1). */
export interface HeartbeatExtras {
  /** A CAPTURE_IMAGE frame was uploaded since the last heartbeat. */
  readonly captureComplete: boolean;
  readonly commandResults: readonly CommandResult[];
}

export { TECHNICIAN_COMMANDS };
export type TechnicianCommandName = (typeof TECHNICIAN_COMMANDS)[number];

export interface TechnicianCommand {
  readonly command: TechnicianCommandName;
  readonly params?: Readonly<Record<string, unknown>>;
  /** From the technician's platform PIN check. */
  readonly assignmentId: string | number;
}

/** What v2 keeps about where the machine is (PATCH /rvm/self/update). */
export interface SelfUpdate {
  readonly ipAddress?: string;
  readonly timezone?: string;
}

/** Where live events come from (Pusher protocol), when the server offers them. */
export interface LiveChannel {
  readonly url: string;
  readonly channel: string;
}

/** A technician's PIN as the platform judged it (v1). */
export type PinResult =
  | {
      readonly ok: true;
      readonly technician: string;
      /** The platform's assignment of this technician to this machine (sent with their commands). */
      readonly assignmentId?: string | number;
      readonly permissions: Record<string, boolean>;
      readonly expiresAt: string;
    }
  | { readonly ok: false; readonly reason: 'wrong_pin'; readonly remainingAttempts: number | null }
  | { readonly ok: false; readonly reason: 'locked'; readonly retryAfterS: number };

/** The model the platform wants this machine to run (v1 handshake `ai_model`). */
export interface ModelTarget {
  readonly version: string;
  readonly sha256: string;
  readonly url: string;
}

/** The detector as a processing engine on the platform (v2). */
export interface EngineSpec {
  readonly name: string;
  readonly type: 'nvidia_cuda' | 'jetson_edge';
  readonly serverAddress: string;
  readonly port: number;
  readonly modelPath?: string;
}

/** What the platform believes about this machine (the connection check prints it). */
export interface RemoteMachineStatus {
  readonly name: string;
  readonly status: string;
}

/** How the connection check (`npm run platform -- check`) names this generation's steps. */
export interface ProfileLabels {
  /** What connect() does. */
  readonly connect: string;
  /** What heartbeat() sends. */
  readonly heartbeat: string;
  /** The settings live events need. */
  readonly liveSettings: string;
}

/**
 * One server generation (PLATFORM-API.md): v1 or v2. What only one generation offers is an optional
 * capability: callers test for it instead of asking which generation they hold.
 */
export interface PlatformProfile {
  readonly name: 'v1' | 'v2';
  readonly labels: ProfileLabels;
  /** Handshake (v1) or login + self-claim (v2); run at start and after the link comes back. */
  connect(): Promise<void>;
  readonly connected: boolean;
  heartbeat(health: HealthSnapshot, extras?: HeartbeatExtras): Promise<PlatformCommand[]>;
  /** Delivers one outbox job; throws PlatformError. Must be safe to repeat (idempotency key). */
  deliver(job: OutboxJob, context: DeliveryContext): Promise<void>;
  createQr(): Promise<QrSession>;
  qrStatus(token: string): Promise<QrStatus>;
  live(): LiveChannel | null;

  // Capabilities (bound functions: they may be handed on as they are).
  /** Where the machine credentials were read from (v1's provisioning file). */
  readonly credentialsFile?: string | undefined;
  /** Checks a technician's PIN with the platform (v1); absent: local PINs only. */
  readonly checkPin?: (pin: string) => Promise<PinResult>;
  /** The model the platform named at the last connect (v1), or null when it names none. */
  readonly modelTarget?: ModelTarget | null;
  /** Tells the platform the machine's timezone (v2); connect() already does it once. */
  readonly syncTimezone?: (method: 'automatic' | 'manual') => Promise<void>;
  /**
   * Registers the detector as a processing engine, or with a known id pings it (v2); resolves to the
   * engine's id (registered again when the platform forgot it).
   */
  readonly registerEngine?: (engine: EngineSpec, knownId: string | number | undefined) => Promise<string | number>;
  /** The platform's view of this machine (v2). */
  readonly machineStatus?: () => Promise<RemoteMachineStatus>;
  /** Opens the platform's session for a guest or donation customer; resolves to its reference. */
  readonly openGuestSession?: () => Promise<string>;
  /** The longest heartbeat interval the server tolerates (v1: it marks a machine offline after 120 s). */
  readonly maxHeartbeatS?: number;
  /** Sends a chamber frame to the platform's training images (v1 `/dataset/upload`); resolves to its id. */
  readonly uploadTrainingImage?: (jpeg: Uint8Array) => Promise<string | number>;
  /** The operator's status for this machine (v1 `/kiosk/config` `status`); null where the server gives none. */
  readonly operatorStatus?: () => Promise<string | null>;
  /** Whether the last handshake said the operator holds the machine in maintenance (v1 policy); null: not said. */
  readonly maintenancePolicy?: boolean | null;
  /** Tells the platform the machine's address and time zone (v2). */
  readonly updateSelf?: (fields: SelfUpdate) => Promise<void>;
  /** Posts a technician's command to the platform (v1); resolves to its request id. */
  readonly postTechnicianCommand?: (command: TechnicianCommand) => Promise<string>;
}
