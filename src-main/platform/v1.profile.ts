import type { z } from 'zod';
import type { OutboxJob } from '../store/outbox.repo';
import type { V1Credentials } from './credentials';
import type { PlatformHttp } from './http';
import type { MachineAddresses } from './network-address';
import { PlatformError } from './platform-error';
import type {
  DeliveryContext,
  HealthSnapshot,
  HeartbeatExtras,
  LiveChannel,
  ModelTarget,
  PinResult,
  PlatformCommand,
  PlatformProfile,
  ProfileLabels,
  QrSession,
  QrStatus,
  TechnicianCommand,
} from './profile';
import { DONATION_USER, depositItem, syncSession } from './v1-delivery';
import {
  DatasetData,
  GuestData,
  HandshakeData,
  HandshakeRequest,
  HeartbeatBody,
  HeartbeatRequest,
  KioskConfigData,
  MaintenanceData,
  PinData,
  PinRequest,
  StatusData,
  TechnicianCommandData,
  TechnicianCommandRequest,
  TokenData,
} from './v1.schemas';

export interface V1Options {
  readonly http: PlatformHttp;
  readonly credentials: V1Credentials;
  /** Where the credentials were read from (the connection check names it). */
  readonly credentialsFile?: string | undefined;
  readonly appVersion: string;
  readonly timezone: string;
  readonly now: () => number;
  /** The machine's LAN and VPN addresses, now. */
  readonly addresses?: () => MachineAddresses;
  /** The component names the platform's READ_SENSOR / TRIGGER_ACTUATOR commands may use. */
  readonly components?: () => { readonly sensors: readonly string[]; readonly actuators: readonly string[] };
}

/** The current MyRVM server: machine key for edge calls, machine UUID for kiosk calls. */
export class V1Profile implements PlatformProfile {
  readonly name = 'v1';
  readonly labels: ProfileLabels = { connect: 'handshake', heartbeat: 'heartbeat', liveSettings: 'platform.live.key' };
  readonly credentialsFile: string | undefined;
  /** The dev line marks a machine offline after 120 s without a heartbeat. */
  readonly maxHeartbeatS = 60;
  #uuid: string | undefined;
  #rvmId: number | undefined;
  #donationUserId = DONATION_USER;
  #live: LiveChannel | null = null;
  /** From the last handshake; null when the platform names no complete target. */
  modelTarget: ModelTarget | null = null;
  /** The last handshake's policy.is_maintenance_mode; null when it said nothing. */
  maintenancePolicy: boolean | null = null;
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
    const addresses = this.o.addresses?.() ?? { local: null, vpn: null };
    const components = this.o.components?.();
    const data = await this.o.http.send(
      {
        method: 'POST',
        path: '/api/v1/edge/handshake',
        schema: HandshakeRequest,
        json: {
          hardware_id: this.o.credentials.serial_number,
          name: this.o.credentials.name,
          ...(addresses.local ? { ip_local: addresses.local } : {}),
          ip_vpn: addresses.vpn,
          timezone: this.o.timezone,
          firmware_version: this.o.appVersion,
          ...(components
            ? {
                hardware_info: {
                  sensors: components.sensors.map((name) => ({ name })),
                  actuators: components.actuators.map((name) => ({ name })),
                },
              }
            : {}),
        },
      },
      HandshakeData,
    );
    this.#uuid = data.identity.rvm_uuid;
    this.#rvmId = data.identity.rvm_id;
    this.#donationUserId = data.policy?.system_donation_user_id ?? DONATION_USER;
    this.maintenancePolicy = data.policy?.is_maintenance_mode ?? null;
    const ai = data.ai_model;
    this.modelTarget =
      ai?.target_version && ai.hash && ai.update_source_url
        ? { version: ai.target_version, sha256: ai.hash, url: new URL(ai.update_source_url, this.o.http.baseUrl).href }
        : null;
    const ws = data.websocket;
    this.#live = ws ? { url: `${ws.scheme}://${ws.host}:${ws.port}`, channel: ws.channel } : null;
  }

  async heartbeat(h: HealthSnapshot, extras?: HeartbeatExtras): Promise<PlatformCommand[]> {
    const addresses = this.o.addresses?.() ?? { local: null, vpn: null };
    const results = extras?.commandResults ?? [];
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
          ...(addresses.local ? { ip_local: addresses.local } : {}),
          tailscale_ip: addresses.vpn,
          ...(extras?.captureComplete ? { capture_complete: true as const } : {}),
          diagnostics: {
            alerts: h.alerts.map((a) => ({
              rule: a.rule,
              title: a.title,
              severity: a.severity,
              value: a.value,
              fired_at: new Date(a.firedAt).toISOString(),
            })),
            // The doc names no field for command results: they ride in diagnostics, like the alerts.
            ...(results.length
              ? {
                  command_results: results.map((r) => ({
                    action: r.action,
                    timestamp: r.timestamp,
                    result: r.result,
                    detail: r.detail.slice(0, 500),
                    finished_at: new Date(r.at).toISOString(),
                  })),
                }
              : {}),
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
        return depositItem(this.o.http, job, context);
      case 'deposit.session':
        return syncSession(this.o.http, job, context, {
          donationUserId: this.#donationUserId,
          machineId: this.#rvmId,
        });
    }
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
        assignmentId: data.assignment_id,
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

  /** The operator's status for this machine: `maintenance` when they put it there (dev line; null on master). */
  readonly operatorStatus = async (): Promise<string | null> => (await this.kioskConfig()).status ?? null;

  /** A guest or donation customer's session on the platform: POST /kiosk/session/guest → `guest_…`. */
  readonly openGuestSession = async (): Promise<string> =>
    (await this.o.http.send({ method: 'POST', path: '/api/v1/kiosk/session/guest' }, GuestData)).session_id;

  /** A chamber frame for the platform's training images (dev line `/dataset/upload`, machine key). */
  readonly uploadTrainingImage = async (jpeg: Uint8Array): Promise<string | number> => {
    const form = new FormData();
    form.set('image', new Blob([jpeg.slice()], { type: 'image/jpeg' }), `capture-${this.o.now()}.jpg`);
    const data = await this.o.http.send({ method: 'POST', path: '/api/v1/dataset/upload', form }, DatasetData);
    return data.id;
  };

  /** A technician's command through the platform (which records it and does not relay it to the machine). */
  readonly postTechnicianCommand = async (c: TechnicianCommand): Promise<string> => {
    const data = await this.o.http.send(
      {
        method: 'POST',
        path: '/api/v1/kiosk/maintenance/command',
        schema: TechnicianCommandRequest,
        json: { command: c.command, ...(c.params ? { params: { ...c.params } } : {}), assignment_id: c.assignmentId },
        answers: [403],
      },
      TechnicianCommandData,
    );
    return String(data.request_id);
  };
}
