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

/** A command the platform asked the machine to run (v1 heartbeat). */
export interface PlatformCommand {
  readonly action: string;
  readonly timestamp?: string | undefined;
}

/** Where live events come from (Pusher protocol), when the server offers them. */
export interface LiveChannel {
  readonly url: string;
  readonly channel: string;
}

/** One server generation (PLATFORM-API.md): v1 or v2. */
export interface PlatformProfile {
  readonly name: 'v1' | 'v2';
  /** Handshake (v1) or login + self-claim (v2); run at start and after the link comes back. */
  connect(): Promise<void>;
  readonly connected: boolean;
  heartbeat(health: HealthSnapshot): Promise<PlatformCommand[]>;
  /** Delivers one outbox job; throws PlatformError. Must be safe to repeat (idempotency key). */
  deliver(job: OutboxJob, context: DeliveryContext): Promise<void>;
  createQr(): Promise<QrSession>;
  qrStatus(token: string): Promise<QrStatus>;
  live(): LiveChannel | null;
}

/** The payload the store writes for an accepted item (SessionRepo.addItem). */
export interface ItemJobPayload {
  readonly id: string;
  readonly sessionId: string;
  readonly seq: number;
  readonly material: string | null;
  readonly className: string;
  readonly confidence: number;
  readonly points: number;
  readonly barcode: string | null;
  readonly weightG: number | null;
  readonly at: number;
  readonly imagePath?: string | null;
  readonly box?: readonly [number, number, number, number];
}
