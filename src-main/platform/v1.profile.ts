import { z } from 'zod';
import type { OutboxJob, OutboxJobOf } from '../store/outbox.repo';
import type { V1Credentials } from './credentials';
import type { PlatformHttp } from './http';
import { PlatformError } from './platform-error';
import type {
  DeliveryContext,
  HealthSnapshot,
  LiveChannel,
  ModelTarget,
  PinResult,
  PlatformCommand,
  PlatformProfile,
  ProfileLabels,
  QrSession,
  QrStatus,
} from './profile';

// Requests, as the v1 server validates them (PLATFORM-API.md).
const HealthMetrics = z.object({
  cpu_usage_percent: z.number().min(0).max(100).nullable(),
  memory_usage_percent: z.number().min(0).max(100).nullable(),
  disk_usage_percent: z.number().min(0).max(100).nullable(),
  cpu_temperature: z.number().nullable(),
});
const HandshakeRequest = z.object({
  hardware_id: z.string().min(1).max(100),
  name: z.string().min(1).max(255),
  timezone: z.string().max(50).optional(),
  firmware_version: z.string().optional(),
  ai_model_version: z.string().optional(),
  health_metrics: HealthMetrics.optional(),
});
const HeartbeatRequest = z.object({
  hardware_id: z.string().min(1).max(100),
  status: z.literal('online'),
  version: z.string(),
  health_metrics: HealthMetrics,
  bin_capacity: z.number().min(0).max(100),
  discovery: z.object({
    cameras: z.array(z.object({ id: z.string(), path: z.string(), name: z.string(), status: z.string() })),
  }),
  ip_local: z.string().optional(),
  tailscale_ip: z.string().nullable(),
  diagnostics: z.object({
    alerts: z.array(
      z.object({
        rule: z.string(),
        title: z.string(),
        severity: z.enum(['warning', 'critical']),
        value: z.number(),
        fired_at: z.string(),
      }),
    ),
  }),
});
const DepositData = z.object({
  session_id: z.string().min(1),
  material: z.string().min(1),
  weight_g: z.number().nonnegative().nullable(),
  classification_confidence: z.number().min(0).max(1),
  is_accepted: z.literal(true),
  idempotency_key: z.string().min(1),
  item_id: z.string(),
  class_name: z.string(),
  points: z.number().int().nonnegative(),
  barcode: z.string().nullable(),
});
const SyncRequest = z.object({
  transactions: z
    .array(
      z.object({
        items: z.array(
          z.object({ type: z.string().min(1), weight: z.number().nonnegative(), points: z.number().int().min(0) }),
        ),
        timestamp: z.string(),
        session_id: z.string(),
        idempotency_key: z.string(),
        identity: z.string(),
        member_id: z.string().nullable(),
        platform_session: z.string().nullable(),
      }),
    )
    .min(1),
});

// Answers (only what the kiosk uses; unknown fields are allowed).
const HandshakeData = z.object({
  identity: z.object({ rvm_id: z.number().int(), rvm_uuid: z.string().min(1), rvm_name: z.string() }),
  websocket: z
    .object({
      channel: z.string(),
      host: z.string(),
      port: z.coerce.number().int(),
      scheme: z.string(),
      auth_token: z.string().nullish(),
    })
    .nullish(),
  policy: z.object({ is_maintenance_mode: z.boolean().optional() }).loose().nullish(),
  ai_model: z
    .object({
      target_version: z.string().max(64).nullish(),
      hash: z.string().max(200).nullish(),
      update_source_url: z.string().max(2000).nullish(),
    })
    .loose()
    .nullish(),
});
const HeartbeatBody = z.object({
  status: z.literal('success'),
  server_time: z.string().optional(),
  commands: z.array(z.object({ action: z.string(), timestamp: z.string().optional() })).default([]),
});
const TokenData = z.object({
  token: z.string().min(1),
  expires_at: z.string().optional(),
  expires_in: z.number().positive().optional(),
  qr_content: z.string().min(1),
});
const StatusData = z.object({
  status: z.enum(['pending', 'claimed', 'expired']),
  session_id: z.string().optional(),
  user: z.object({ id: z.union([z.number(), z.string()]), name: z.string().optional() }).nullish(),
});

const PinRequest = z.object({ pin: z.string().length(6, 'a PIN is exactly 6 characters') });
const PinData = z.object({
  technician_name: z.string(),
  assignment_id: z.union([z.number(), z.string()]),
  permissions: z.record(z.string(), z.boolean()),
  session_expires_at: z.string(),
});
const MaintenanceData = z
  .object({
    machine: z.object({ name: z.string(), status: z.string() }).loose(),
    hardware: z.object({}).loose().optional(),
  })
  .loose();
const KioskConfigData = z
  .object({ machine_name: z.string(), timezone: z.string().optional(), qr_refresh_interval: z.number().optional() })
  .loose();

export interface V1Options {
  readonly http: PlatformHttp;
  readonly credentials: V1Credentials;
  /** Where the credentials were read from (the connection check names it). */
  readonly credentialsFile?: string | undefined;
  readonly appVersion: string;
  readonly timezone: string;
  readonly now: () => number;
}

/** The current MyRVM server: machine key for edge calls, machine UUID for kiosk calls. */
export class V1Profile implements PlatformProfile {
  readonly name = 'v1';
  readonly labels: ProfileLabels = { connect: 'handshake', heartbeat: 'heartbeat', liveSettings: 'platform.live.key' };
  readonly credentialsFile: string | undefined;
  #uuid: string | undefined;
  #live: LiveChannel | null = null;
  /** From the last handshake; null when the platform names no complete target. */
  modelTarget: ModelTarget | null = null;
  constructor(private readonly o: V1Options) {
    this.credentialsFile = o.credentialsFile;
  }

  get connected(): boolean {
    return this.#uuid !== undefined;
  }

  /** Headers for every request: the machine key, and the machine UUID once known. */
  headers(): Record<string, string | undefined> {
    return { 'X-RVM-API-KEY': this.o.credentials.api_key, 'X-Machine-UUID': this.#uuid };
  }

  async connect(): Promise<void> {
    const data = await this.o.http.send(
      {
        method: 'POST',
        path: '/api/v1/edge/handshake',
        schema: HandshakeRequest,
        json: {
          hardware_id: this.o.credentials.serial_number,
          name: this.o.credentials.name,
          timezone: this.o.timezone,
          firmware_version: this.o.appVersion,
        },
      },
      HandshakeData,
    );
    this.#uuid = data.identity.rvm_uuid;
    const ai = data.ai_model;
    this.modelTarget =
      ai?.target_version && ai.hash && ai.update_source_url
        ? { version: ai.target_version, sha256: ai.hash, url: new URL(ai.update_source_url, this.o.http.baseUrl).href }
        : null;
    const ws = data.websocket;
    this.#live = ws ? { url: `${ws.scheme}://${ws.host}:${ws.port}`, channel: ws.channel } : null;
  }

  async heartbeat(h: HealthSnapshot): Promise<PlatformCommand[]> {
    const body = await this.o.http.send(
      {
        method: 'POST',
        path: '/api/v1/edge/heartbeat',
        schema: HeartbeatRequest,
        json: {
          hardware_id: this.o.credentials.serial_number,
          status: 'online',
          version: h.appVersion,
          health_metrics: {
            cpu_usage_percent: h.cpuPercent,
            memory_usage_percent: h.memoryPercent,
            disk_usage_percent: h.diskPercent,
            cpu_temperature: h.temperatureC,
          },
          bin_capacity: h.binLevelPercent,
          discovery: { cameras: [...h.cameras] },
          tailscale_ip: null,
          diagnostics: {
            alerts: h.alerts.map((a) => ({
              rule: a.rule,
              title: a.title,
              severity: a.severity,
              value: a.value,
              fired_at: new Date(a.firedAt).toISOString(),
            })),
          },
        },
      },
      HeartbeatBody,
      true,
    );
    return body.commands;
  }

  async deliver(job: OutboxJob, context: DeliveryContext): Promise<void> {
    switch (job.kind) {
      case 'deposit.item':
        return this.#depositItem(job, context);
      case 'deposit.session':
        return this.#syncSession(job, context);
    }
  }

  /** The item's image and classification: POST /edge/deposit (multipart). Stores evidence; no points. */
  async #depositItem(job: OutboxJobOf<'deposit.item'>, context: DeliveryContext): Promise<void> {
    const item = job.payload;
    const session = context.session(item.sessionId);
    const data = DepositData.safeParse({
      session_id: session?.platformSession ?? item.sessionId,
      material: item.material,
      weight_g: item.weightG,
      classification_confidence: item.confidence,
      is_accepted: true,
      idempotency_key: job.idempotencyKey,
      item_id: item.id,
      class_name: item.className,
      points: item.points,
      barcode: item.barcode,
    });
    if (!data.success) {
      const issue = data.error.issues[0];
      throw new PlatformError('bad-request', `deposit ${item.id}: ${issue?.path.join('.')} ${issue?.message}`);
    }
    const form = new FormData();
    const jpeg = await context.image(item.imagePath);
    form.set('image', new Blob([jpeg.slice()], { type: 'image/jpeg' }), `${item.id}.jpg`);
    form.set('status', 'ACCEPTED');
    form.set('data', JSON.stringify(data.data));
    form.set('session_id', data.data.session_id);
    await this.o.http.send(
      { method: 'POST', path: '/api/v1/edge/deposit', form, idempotencyKey: job.idempotencyKey },
      z.unknown(),
    );
  }

  /** The session's credit: POST /edge/sync-offline, one transaction with every accepted item. */
  async #syncSession(job: OutboxJobOf<'deposit.session'>, context: DeliveryContext): Promise<void> {
    const payload = job.payload;
    const session = context.session(payload.id);
    if (!session) throw new PlatformError('bad-request', `session ${payload.id} is not in the local store`);
    const items = context.acceptedItems(session.id);
    if (items.length === 0) return; // nothing to credit: an empty session is not a transaction
    await this.o.http.send(
      {
        method: 'POST',
        path: '/api/v1/edge/sync-offline',
        schema: SyncRequest,
        json: {
          transactions: [
            {
              items: items.map((i) => ({
                type: i.material ?? i.className,
                weight: (i.weightG ?? 0) / 1000,
                points: i.points,
              })),
              timestamp: new Date(session.closedAt ?? payload.closedAt).toISOString(),
              session_id: session.id,
              idempotency_key: job.idempotencyKey,
              identity: session.identity ?? 'guest',
              member_id: session.memberId,
              platform_session: session.platformSession,
            },
          ],
        },
        idempotencyKey: job.idempotencyKey,
      },
      z.unknown(),
      true,
    );
  }

  async createQr(): Promise<QrSession> {
    const data = await this.o.http.send({ method: 'GET', path: '/api/v1/kiosk/session/token' }, TokenData);
    const expiresAt = data.expires_at ? Date.parse(data.expires_at) : NaN;
    return {
      content: data.qr_content,
      token: data.token,
      expiresAt: Number.isFinite(expiresAt) ? expiresAt : this.o.now() + (data.expires_in ?? 300) * 1000,
    };
  }

  async qrStatus(token: string): Promise<QrStatus> {
    const data = await this.o.http.send(
      { method: 'GET', path: '/api/v1/kiosk/session/status', query: { token } },
      StatusData,
    );
    if (data.status !== 'claimed') return { status: data.status };
    if (!data.user) throw new PlatformError('bad-response', 'session status "claimed" without a user');
    return {
      status: 'claimed',
      member: { memberId: String(data.user.id), ...(data.user.name ? { name: data.user.name } : {}) },
      platformSession: data.session_id ?? token,
    };
  }

  live(): LiveChannel | null {
    return this.#live;
  }

  /** A technician's 6-character PIN, checked by the platform against their assignment to this machine. */
  readonly checkPin = (pin: string): Promise<PinResult> => this.#checkPin(pin);

  async #checkPin(pin: string): Promise<PinResult> {
    try {
      const data = await this.o.http.send(
        { method: 'POST', path: '/api/v1/kiosk/auth/pin', schema: PinRequest, json: { pin }, answers: [401, 429] },
        PinData,
      );
      return {
        ok: true,
        technician: data.technician_name,
        permissions: data.permissions,
        expiresAt: data.session_expires_at,
      };
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      const body = (error.details.body ?? {}) as { remaining_attempts?: unknown; retry_after?: unknown };
      if (error.status === 401) {
        const remaining = typeof body.remaining_attempts === 'number' ? body.remaining_attempts : null;
        return { ok: false, reason: 'wrong_pin', remainingAttempts: remaining };
      }
      if (error.status === 429) {
        const retryAfterS =
          typeof body.retry_after === 'number'
            ? body.retry_after
            : Math.ceil((error.details.retryAfterMs ?? 3_600_000) / 1000);
        return { ok: false, reason: 'locked', retryAfterS };
      }
      throw error;
    }
  }

  /** The platform's view of this machine (maintenance screen, connection test). */
  async maintenanceStatus(): Promise<z.infer<typeof MaintenanceData>> {
    return this.o.http.send({ method: 'GET', path: '/api/v1/kiosk/maintenance/status' }, MaintenanceData);
  }

  /** Kiosk settings kept on the platform: name, theme, timezone, QR refresh. */
  async kioskConfig(): Promise<z.infer<typeof KioskConfigData>> {
    return this.o.http.send({ method: 'GET', path: '/api/v1/kiosk/config' }, KioskConfigData);
  }
}
