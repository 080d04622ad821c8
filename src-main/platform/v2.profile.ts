import { z } from 'zod';
import type { ItemJobPayload } from '../store/outbox-jobs';
import type { OutboxJob, OutboxJobOf } from '../store/outbox.repo';
import type { PlatformHttp } from './http';
import { PlatformError } from './platform-error';
import type {
  DeliveryContext,
  EngineSpec,
  HealthSnapshot,
  LiveChannel,
  PlatformCommand,
  PlatformProfile,
  ProfileLabels,
  QrSession,
  QrStatus,
  RemoteMachineStatus,
  SelfUpdate,
} from './profile';
import { V2Auth } from './v2-auth';
import { machineStatus, openGuestSession, registerEngine, updateSelf, type V2Machine } from './v2-machine';
import {
  ClaimRequest,
  CreateData,
  DepositData,
  DepositRequest,
  DetectionRequest,
  ItemProgress,
  LoginData,
  LoginRequest,
  MetricsRequest,
  ProcessRequest,
  RvmRef,
  StatusData,
  TimezoneRequest,
  UploadData,
  WASTE_TYPES,
} from './v2.schemas';

export interface V2Options {
  readonly http: PlatformHttp;
  readonly rvmId: number;
  readonly email: string;
  readonly password: string;
  readonly apiKey: string | undefined;
  readonly deviceName: string;
  readonly appVersion: string;
  readonly timezone: string;
  /** Material → v2 waste type; a material without one cannot be delivered (quarantined with the reason). */
  readonly wasteTypes: Readonly<Record<string, (typeof WASTE_TYPES)[number]>>;
  /** Typical weight in grams of an item of this material, when the machine has no scale. */
  readonly typicalWeightG: (material: string) => number | undefined;
  readonly live: LiveChannel | null;
  /** The running model's version, reported with detection results. */
  readonly modelVersion?: () => string | null;
  readonly now: () => number;
  /** Engine registration notes (a server without the ping route). */
  readonly log?: (message: string) => void;
}

/** The MyRVM Platform (v2): a bearer token from the machine's own account; one shared re-login on 401. */
export class V2Profile implements PlatformProfile {
  readonly name = 'v2';
  readonly labels: ProfileLabels = {
    connect: 'login, machine claim, timezone',
    heartbeat: 'metrics',
    liveSettings: 'platform.live.key and url',
  };
  readonly #auth: V2Auth;
  readonly #machine: V2Machine;

  constructor(private readonly o: V2Options) {
    this.#auth = new V2Auth(() => this.#login());
    this.#machine = { http: o.http, auth: this.#auth, rvmId: o.rvmId, apiKey: o.apiKey };
    this.updateSelf = o.apiKey ? (fields) => updateSelf(this.#machine, fields) : undefined;
  }

  get connected(): boolean {
    return this.#auth.token !== undefined;
  }

  /** Logins so far (one per connect, plus one per round of refused tokens). */
  get logins(): number {
    return this.#auth.logins;
  }

  headers(): Record<string, string | undefined> {
    const token = this.#auth.token;
    return { Authorization: token ? `Bearer ${token}` : undefined };
  }

  async connect(): Promise<void> {
    await this.#auth.renew(this.#auth.token);
    if (this.o.apiKey) {
      await this.o.http.send(
        {
          method: 'POST',
          path: '/api/v2/rvm/self/claim',
          schema: ClaimRequest,
          json: {
            rvm_id: this.o.rvmId,
            device_name: this.o.deviceName,
            software_version: this.o.appVersion,
            timezone: this.o.timezone,
          },
          headers: { 'X-API-Key': this.o.apiKey, Authorization: undefined },
        },
        z.unknown(),
      );
    }
    await this.syncTimezone('automatic');
  }

  async #login(): Promise<string> {
    const data = await this.o.http.send(
      {
        method: 'POST',
        path: '/api/v2/auth/login',
        schema: LoginRequest,
        json: { email: this.o.email, password: this.o.password },
        headers: { Authorization: undefined },
      },
      LoginData,
    );
    return data.token;
  }

  readonly syncTimezone = async (method: 'automatic' | 'manual'): Promise<void> => {
    await this.#auth.run(() =>
      this.o.http.send(
        {
          method: 'POST',
          path: '/api/v2/timezone/sync',
          schema: TimezoneRequest,
          json: {
            device_id: `rvm-${this.o.rvmId}`,
            timezone: this.o.timezone,
            timestamp: new Date(this.o.now()).toISOString(),
            sync_method: method,
          },
        },
        z.unknown(),
      ),
    );
  };

  async heartbeat(h: HealthSnapshot): Promise<PlatformCommand[]> {
    await this.o.http.send(
      {
        method: 'POST',
        path: `/api/v2/rvms/${this.o.rvmId}/metrics`,
        schema: MetricsRequest,
        json: {
          system_metrics: {
            cpu_usage: h.cpuPercent,
            memory_usage: h.memoryPercent,
            disk_usage: h.diskPercent,
            gpu_usage: null,
            temperature: h.temperatureC,
          },
          application_metrics: {
            software_version: h.appVersion,
            ai_model_version: h.modelVersion,
            uptime_seconds: Math.round(h.uptimeS),
            deposit_count_since_restart: h.depositsSinceStart,
            // Active alerts: critical ones count as errors.
            error_count: h.alerts.filter((a) => a.severity === 'critical').length,
            warning_count: h.alerts.filter((a) => a.severity === 'warning').length,
          },
          network_info: {},
        },
      },
      z.unknown(),
    );
    return [];
  }

  /**
   * One accepted item, in four requests, each step recorded before the next so that a retry never
   * repeats a finished one: the frame as evidence (`/upload`, field `file`), the deposit, its
   * processing (which credits the member), and the detection result pointing at the uploaded frame.
   */
  async deliver(job: OutboxJob, context: DeliveryContext): Promise<void> {
    // v2 credits per deposit; a session summary has nothing more to tell it.
    if (job.kind === 'deposit.session') return;
    const item = job.payload;
    // A rejected item is no deposit: v2 has no call that reports one without creating it.
    if (!item.accepted) return;
    // Progress this code did not write starts the delivery over: every step repeats safely (its own key).
    const recorded = ItemProgress.nullable().safeParse(job.progress);
    const progress: ItemProgress = recorded.success ? { ...recorded.data } : {};
    const step = (done: Partial<ItemProgress>) => {
      Object.assign(progress, done);
      context.saveProgress(job, progress);
    };
    const jpeg = await context.image(item.imagePath);
    if (progress.filePath === undefined) {
      const form = new FormData();
      form.set('file', new Blob([jpeg.slice()], { type: 'image/jpeg' }), `${item.id}.jpg`);
      form.set('metadata', JSON.stringify({ item_id: item.id, rvm_id: this.o.rvmId, kind: 'verdict_frame' }));
      const uploaded = await this.#auth.run(() =>
        this.o.http.send(
          { method: 'POST', path: '/api/v2/upload', form, idempotencyKey: `${job.idempotencyKey}:upload` },
          UploadData,
        ),
      );
      step({ filePath: uploaded.file_path });
    }
    if (progress.depositId === undefined) {
      const session = await context.platformSession(item.sessionId);
      const request = this.#depositRequest(job, item, session, jpeg);
      const created = await this.#auth.run(() =>
        this.o.http.send(
          {
            method: 'POST',
            path: '/api/v2/deposits',
            schema: DepositRequest,
            json: request,
            idempotencyKey: job.idempotencyKey,
          },
          DepositData,
        ),
      );
      step({ depositId: created.deposit_id });
    }
    if (!progress.processed) {
      try {
        await this.#auth.run(() =>
          this.o.http.send(
            {
              method: 'POST',
              path: `/api/v2/deposits/${progress.depositId}/process`,
              schema: ProcessRequest,
              json: { status: 'completed', final_reward_amount: item.points },
              idempotencyKey: `${job.idempotencyKey}:process`,
              answers: [400],
            },
            z.unknown(),
          ),
        );
      } catch (error) {
        // 400 "not pending/processing": an earlier attempt processed it and the answer was lost.
        if (!(error instanceof PlatformError && error.status === 400)) throw error;
      }
      step({ processed: true });
    }
    // Jobs queued before boxes were kept have nothing truthful to report.
    if (!item.box) return;
    const box = item.box;
    // The model running now: the job does not record which one judged it (the conservative reading).
    const modelVersion = this.o.modelVersion?.() ?? null;
    await this.#auth.run(() =>
      this.o.http.send(
        {
          method: 'POST',
          path: '/api/v2/detection-results',
          schema: DetectionRequest,
          json: {
            rvm_id: this.o.rvmId,
            image_path: progress.filePath!,
            detections: [
              {
                class: item.className,
                confidence: item.confidence,
                bbox: [...box],
                segmentation_mask: item.mask ? item.mask.map(([x, y]): [number, number] => [x, y]) : null,
              },
            ],
            status: 'completed',
            timestamp: new Date(item.at).toISOString(),
            ...(modelVersion ? { model_version: modelVersion } : {}),
          },
          idempotencyKey: `${job.idempotencyKey}:detection`,
        },
        z.unknown(),
      ),
    );
  }

  #depositRequest(job: OutboxJobOf<'deposit.item'>, item: ItemJobPayload, session: string | null, jpeg: Uint8Array) {
    const material = item.material ?? '';
    const wasteType = this.o.wasteTypes[material];
    if (!wasteType) {
      throw new PlatformError(
        'bad-request',
        `material "${material}" has no v2 waste type: map it in platform.v2.wasteTypes (one of ${WASTE_TYPES.join(', ')})`,
      );
    }
    const grams = item.weightG ?? this.o.typicalWeightG(material);
    return {
      rvm_id: this.o.rvmId,
      ...(session ? { session_token: session } : {}),
      waste_type: wasteType,
      weight: Math.min(100, Math.max(0.001, (grams ?? 1) / 1000)),
      quantity: 1,
      image_data: Buffer.from(jpeg).toString('base64'),
      metadata: {
        idempotency_key: job.idempotencyKey,
        item_id: item.id,
        machine_session: item.sessionId,
        class_name: item.className,
        confidence: item.confidence,
        points: item.points,
        barcode: item.barcode,
        weight_measured: item.weightG !== null,
      },
    };
  }

  async createQr(): Promise<QrSession> {
    const data = await this.o.http.send(
      { method: 'POST', path: '/api/v2/rvm/session/create', schema: RvmRef, json: { rvm_id: this.o.rvmId } },
      CreateData,
    );
    const expiresAt = data.expires_at ? Date.parse(data.expires_at) : NaN;
    return {
      content: data.session_token,
      token: data.session_token,
      expiresAt: Number.isFinite(expiresAt) ? expiresAt : this.o.now() + 10 * 60_000,
    };
  }

  async qrStatus(token: string): Promise<QrStatus> {
    const data = await this.o.http.send(
      { method: 'GET', path: '/api/v2/rvm/session/status', query: { session_token: token } },
      StatusData,
    );
    if (data.status === 'active') return { status: 'pending' };
    if (data.status === 'expired') return { status: 'expired' };
    if (data.user_id === null || data.user_id === undefined) {
      throw new PlatformError('bad-response', 'session status "claimed" without a user_id');
    }
    return {
      status: 'claimed',
      member: { memberId: String(data.user_id), ...(data.user_name ? { name: data.user_name } : {}) },
      platformSession: token,
    };
  }

  live(): LiveChannel | null {
    return this.o.live;
  }

  /** What the platform believes about this machine (technician's connection test). */
  readonly machineStatus = (): Promise<RemoteMachineStatus> => machineStatus(this.#machine);

  /** Registers this machine's processing engine, or pings the one it registered (v2-machine.ts). */
  readonly registerEngine = (engine: EngineSpec, knownId: string | number | undefined): Promise<string | number> =>
    registerEngine(this.#machine, engine, knownId, this.o.log);

  /** A guest (donation) session for a customer without an account: created, then activated. */
  readonly openGuestSession = (): Promise<string> => openGuestSession(this.#machine);

  /** The machine's address and time zone, with the machine key (only with platform.v2.apiKey). */
  readonly updateSelf: ((fields: SelfUpdate) => Promise<void>) | undefined;
}
