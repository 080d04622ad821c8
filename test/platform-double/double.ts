// A MyRVM platform double for tests and offline development (`npm run platform:dev`): both server
// generations of ../shared/docs/PLATFORM-API.md with the server's validation rules (Laravel-style 422
// bodies), per-key idempotency (a repeated Idempotency-Key gets the first answer and changes nothing),
// fault switches, a Pusher-protocol WebSocket endpoint (`/app/{key}`, like Laravel Reverb) that
// broadcasts `session.authorized` when the scripted phone claims a QR session. Listens on 127.0.0.1 only.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { formOf, json, readBody, Reply, unprocessable, validate } from './http-kit';
import * as v1 from './v1-routes';
import { activateGuest, selfUpdate, type V2State } from './v2-routes';

export interface Faults {
  /** Every request: the connection is destroyed before an answer (server "down"). */
  down: boolean;
  /** Delay before answering. */
  slowMs: number;
  /** Fraction of requests answered 500 without processing. */
  error500: number;
  /** Fraction of requests answered 429 with Retry-After (seconds), without processing. */
  rateLimit: number;
  retryAfterS: number;
  /** Fraction of requests processed, then the connection dropped before the answer. */
  dropAfterProcessing: number;
  /** The live-events socket refuses connections and drops the open ones (HTTP still answers). */
  liveDown: boolean;
  /** v1: the machine is blocked (every edge call 403 MACHINE_BLOCKED). */
  blocked: boolean;
  /** v1 master line: no technician is assigned (heartbeat 403; everything else works). */
  noTechnician: boolean;
  /** v2: the server has no `processing-engines/{id}/ping` route (Laravel's route-not-found 404). */
  enginePingMissing: boolean;
}

export interface DoubleOptions {
  readonly port?: number;
  /** v1 machine. */
  readonly serial?: string;
  readonly apiKey?: string;
  /** v2 machine account. */
  readonly rvmId?: number;
  readonly email?: string;
  readonly password?: string;
  readonly machineApiKey?: string;
  /** Seed of the fault dice (deterministic runs). */
  readonly seed?: number;
  /** The Pusher app key the live-events endpoint accepts. */
  readonly pusherKey?: string;
  /** QR session lifetime; by default the servers' own (v1 300 s, v2 600 s). */
  readonly qrTtlS?: number;
  /** Which v1 server line answers: `master` (the table) or `dev` (the newest development line). */
  readonly line?: v1.V1Line;
  /** Dev line: the "System Donation" user's id (policy.system_donation_user_id). */
  readonly donationUserId?: number;
}

export interface RecordedDeposit {
  readonly profile: 'v1' | 'v2';
  readonly key: string | null;
  readonly body: unknown;
  readonly at: number;
}

interface QrSession {
  profile: 'v1' | 'v2';
  token: string;
  status: 'pending' | 'claimed' | 'expired';
  expiresAt: number;
  user?: { id: number; name: string };
  sessionId?: string;
  mode?: 'guest_donation';
}

const V2Login = z.object({ email: z.email(), password: z.string().min(6) });
const V2Deposit = z
  .object({
    rvm_id: z.number().int(),
    session_token: z.string().max(255).optional(),
    waste_type: z.enum(['plastic', 'glass', 'metal', 'paper', 'mixed']),
    weight: z.number().min(0.001).max(100),
    quantity: z.number().int().min(1).max(1000),
    image_data: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
const V2Process = z
  .object({
    status: z.enum(['completed', 'rejected']),
    rejection_reason: z.string().max(500).optional(),
    final_reward_amount: z.number().optional(),
  })
  .refine((b) => b.status !== 'rejected' || b.rejection_reason, {
    path: ['rejection_reason'],
    message: 'The rejection reason field is required when status is rejected.',
  });
const V2Metrics = z.object({ system_metrics: z.object({}).loose(), application_metrics: z.object({}).loose() }).loose();
const V2Timezone = z.object({
  device_id: z.string().min(1).max(100),
  timezone: z.string().min(1).max(50),
  timestamp: z.string(),
  sync_method: z.enum(['automatic', 'manual']),
});

const V2Detection = z.object({
  rvm_id: z.number().int(),
  image_path: z.string().optional(),
  detections: z.array(
    z
      .object({
        class: z.string(),
        confidence: z.number(),
        bbox: z.array(z.number()).length(4),
        segmentation_mask: z.array(z.tuple([z.number(), z.number()])).nullable(),
      })
      .loose(),
  ),
  status: z.enum(['completed', 'processing', 'processing_requested', 'failed']),
  timestamp: z.string().optional(),
  processing_time: z.number().optional(),
  model_version: z.string().optional(),
});
const V2Engine = z
  .object({
    name: z.string().min(1),
    type: z.enum(['nvidia_cuda', 'jetson_edge']),
    server_address: z.union([z.ipv4(), z.ipv6()]),
    port: z.number().int().min(1).max(65535),
    processing_timeout: z.number().int().min(1).max(300).optional(),
  })
  .loose();

export class PlatformDouble implements v1.V1State, V2State {
  readonly faults: Faults = {
    down: false,
    slowMs: 0,
    error500: 0,
    rateLimit: 0,
    retryAfterS: 1,
    dropAfterProcessing: 0,
    liveDown: false,
    blocked: false,
    noTechnician: false,
    enginePingMissing: false,
  };
  /** Deposits as processed (a repeated key is not recorded twice). */
  readonly deposits: RecordedDeposit[] = [];
  readonly syncs: RecordedDeposit[] = [];
  readonly v2Deposits = new Map<number, { status: string; body: z.infer<typeof V2Deposit>; reward?: number }>();
  readonly heartbeats: unknown[] = [];
  /** v1 handshakes as validated. */
  readonly handshakes: unknown[] = [];
  readonly metrics: unknown[] = [];
  /** Every request seen: method, path, status (for contract tests). */
  readonly log: Array<{ method: string; path: string; status: number | 'dropped' }> = [];
  /** Commands for the machine's next heartbeat (queue them with `command()`). */
  readonly commands: v1.QueuedCommand[] = [];
  /** v1: the platform session ids handed to guest and donation customers. */
  readonly guestSessions: string[] = [];
  /** v1 dev line: training images, and what the v1 technician commands the double recorded. */
  readonly datasetUploads: v1.V1State['datasetUploads'] = [];
  readonly technicianCommands: v1.V1State['technicianCommands'] = [];
  /** v1 dev line: the machine's status as the platform shows it, and its last capture. */
  machineStatus: 'online' | 'maintenance' = 'online';
  lastCaptureAt: number | null = null;
  /** v1 dev line: sync-offline wants a bearer (as the server is); false: takes the machine key. */
  syncBearerOnly = true;
  /** v1 dev line: points balances the offline sync credits (the donation user and the phone's users). */
  readonly balances = new Map<number, number>();
  /** v2: PATCH /rvm/self/update bodies and activated guest sessions. */
  readonly selfUpdates: unknown[] = [];
  readonly guestActivations: string[] = [];
  /** v2 uploads (file size, metadata) and detection results, as processed. */
  readonly uploads: Array<{ path: string; size: number; type: string; metadata: unknown }> = [];
  readonly detections: unknown[] = [];
  readonly engines = new Map<number, { body: unknown; pings: number }>();
  readonly timezoneSyncs: Array<{ sync_method: string; timezone: string }> = [];
  /** v1 technician PINs → name; wrong PINs count against the 5-per-hour limit. */
  readonly pins = new Map<string, string>([['246810', 'Agus (technician)']]);
  #pinFailures = 0;
  /** The next v2 deposit is refused with a 422 on this field (contract tests). */
  forceValidationError: { field: string; message: string } | undefined;
  readonly o: Required<DoubleOptions>;
  readonly line: v1.V1Line;
  readonly donationUserId: number;
  readonly machineApiKey: string;
  readonly rvmUuid = randomUUID();
  readonly #idempotent = new Map<string, Reply>();
  readonly #qr = new Map<string, QrSession>();
  readonly #tokens = new Set<string>();
  readonly #sockets = new Set<Socket>();
  readonly #wss = new WebSocketServer({ noServer: true });
  /** Live-event clients and the channels each subscribed to. */
  readonly #live = new Map<WebSocket, Set<string>>();
  #server: Server | undefined;
  #dice: number;
  #nextDepositId = 1;
  #port = 0;

  constructor(options: DoubleOptions = {}) {
    this.o = {
      port: 0,
      serial: 'RVM-TEST-0001',
      apiKey: 'k'.repeat(64),
      rvmId: 7,
      email: 'rvm7@machines.myrvm.test',
      password: 'machine-secret-7',
      machineApiKey: 'machine-key-7',
      seed: 42,
      pusherKey: 'double-pusher-key',
      qrTtlS: 0,
      line: 'master',
      donationUserId: 3,
      ...options,
    };
    this.#dice = this.o.seed;
    this.line = this.o.line;
    this.donationUserId = this.o.donationUserId;
    this.machineApiKey = this.o.machineApiKey;
    for (const id of [this.donationUserId, 501]) this.balances.set(id, 0);
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.#handle(req, res));
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.#upgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(this.o.port, '127.0.0.1', resolve));
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const ws of this.#live.keys()) ws.terminate();
    this.#wss.close();
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** The scripted phone: a customer scans the QR and claims the session. */
  claim(token: string, user = { id: 501, name: 'Siti Rahma' }): boolean {
    const qr = this.#qr.get(token);
    if (!qr || qr.status !== 'pending') return false;
    Object.assign(qr, { status: 'claimed', user, sessionId: `sess_${randomBytes(6).toString('hex')}` });
    if (!this.balances.has(user.id)) this.balances.set(user.id, 0);
    const timestamp = new Date().toISOString();
    if (qr.profile === 'v1') {
      this.broadcast(`rvm.${this.rvmUuid}`, 'session.authorized', {
        session_id: qr.sessionId,
        user: { ...user, balance: 0 },
        timestamp,
      });
    } else {
      this.broadcast(`rvm.${this.o.rvmId}`, 'session.authorized', {
        session_id: qr.sessionId,
        user_id: user.id,
        user_name: user.name,
        timestamp,
      });
    }
    return true;
  }

  /** Sends a Pusher-protocol event to every client subscribed to the channel; returns how many. */
  broadcast(channel: string, event: string, data: unknown): number {
    let sent = 0;
    for (const [ws, channels] of this.#live) {
      if (!channels.has(channel)) continue;
      ws.send(JSON.stringify({ event, channel, data: JSON.stringify(data) }));
      sent++;
    }
    return sent;
  }

  /** The operator sends a command to the machine (delivered with its next heartbeat, at most once). */
  command(action: string, payload?: unknown): void {
    v1.queueCommand(this, action, payload);
  }

  /** Live-event clients subscribed to a channel right now. */
  liveSubscribers(channel?: string): number {
    return [...this.#live.values()].filter((c) => (channel ? c.has(channel) : c.size > 0)).length;
  }

  /** Sets the liveDown fault; turning it on drops every open live socket. */
  setLiveDown(down: boolean): void {
    this.faults.liveDown = down;
    if (down) for (const ws of this.#live.keys()) ws.terminate();
  }

  /** The Pusher protocol, as much as a public-channel client uses: connect, subscribe, ping. */
  #upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://double');
    const match = /^\/app\/([^/]+)$/.exec(url.pathname);
    if (!match || this.faults.down || this.faults.liveDown) {
      socket.destroy();
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const send = (message: object) => ws.send(JSON.stringify(message));
      if (match[1] !== this.o.pusherKey) {
        send({ event: 'pusher:error', data: { code: 4001, message: `App key ${match[1]} not in this cluster` } });
        ws.close(4001);
        return;
      }
      const channels = new Set<string>();
      this.#live.set(ws, channels);
      ws.on('close', () => this.#live.delete(ws));
      ws.on('message', (raw) => {
        let message: { event?: string; data?: { channel?: string } };
        try {
          message = JSON.parse(String(raw)) as typeof message;
        } catch {
          send({ event: 'pusher:error', data: { code: 4200, message: 'Malformed message' } });
          return;
        }
        if (message.event === 'pusher:ping') send({ event: 'pusher:pong', data: {} });
        else if (message.event === 'pusher:subscribe' && typeof message.data?.channel === 'string') {
          if (/^(private|presence)-/.test(message.data.channel)) {
            send({ event: 'pusher:error', data: { code: 4009, message: 'Only public channels here' } });
            return;
          }
          channels.add(message.data.channel);
          send({ event: 'pusher_internal:subscription_succeeded', channel: message.data.channel, data: '{}' });
        } else if (message.event === 'pusher:unsubscribe' && typeof message.data?.channel === 'string') {
          channels.delete(message.data.channel);
        }
      });
      send({
        event: 'pusher:connection_established',
        data: JSON.stringify({
          socket_id: `${randomBytes(4).readUInt32BE()}.${randomBytes(4).readUInt32BE()}`,
          activity_timeout: 30,
        }),
      });
    });
  }

  /** What the v1 handshake's ai_model says (the platform's model rollout). */
  aiModel: { target_version: string | null; hash: string | null; update_source_url: string | null } = {
    target_version: null,
    hash: null,
    update_source_url: null,
  };
  readonly #files = new Map<string, Buffer>();

  /** Serves `body` at GET `path` (a model file for update_source_url); returns its address. */
  serveFile(path: string, body: Buffer): string {
    this.#files.set(path, body);
    return `${this.url}${path}`;
  }

  /** Every v2 bearer token stops working (the server was reset): clients must log in again. */
  revokeTokens(): void {
    this.#tokens.clear();
  }

  /** The most recent QR token the kiosk asked for. */
  latestQrToken(): string | undefined {
    return [...this.#qr.keys()].at(-1);
  }

  #roll(): number {
    // mulberry32: deterministic per seed.
    let t = (this.#dice += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://double');
    const entry: { method: string; path: string; status: number | 'dropped' } = {
      method: req.method ?? 'GET',
      path: url.pathname,
      status: 'dropped',
    };
    this.log.push(entry);
    if (this.faults.down) {
      for (const ws of this.#live.keys()) ws.terminate();
      req.socket.destroy();
      return;
    }
    const file = req.method === 'GET' ? this.#files.get(url.pathname) : undefined;
    if (file) {
      entry.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': file.length });
      res.end(file);
      return;
    }
    const raw = await readBody(req);
    if (this.faults.slowMs) await new Promise((r) => setTimeout(r, this.faults.slowMs));
    if (this.#roll() < this.faults.error500) return this.#send(res, entry, new Reply(500, { message: 'Server Error' }));
    if (this.#roll() < this.faults.rateLimit) {
      return this.#send(
        res,
        entry,
        new Reply(429, { message: 'Too Many Attempts.' }, { 'Retry-After': String(this.faults.retryAfterS) }),
      );
    }
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const scoped = key && `${req.method} ${url.pathname} ${key}`;
    let reply = scoped ? this.#idempotent.get(scoped) : undefined;
    if (!reply) {
      try {
        reply = await this.#route(req, url, raw, key);
      } catch (error) {
        reply = error instanceof Reply ? error : new Reply(500, { message: (error as Error).message });
      }
      // Like payment APIs: only a request that was actually processed is remembered (not a refusal
      // before processing: 401/403/429/5xx), so a retry after a fresh login goes through.
      if (scoped && reply.status < 500 && ![401, 403, 429].includes(reply.status)) this.#idempotent.set(scoped, reply);
    }
    if (this.#roll() < this.faults.dropAfterProcessing) {
      req.socket.destroy();
      return;
    }
    this.#send(res, entry, reply);
  }

  #send(res: ServerResponse, entry: { status: number | 'dropped' }, reply: Reply): void {
    entry.status = reply.status;
    res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  async #route(req: IncomingMessage, url: URL, raw: Buffer, key: string | null): Promise<Reply> {
    const route = `${req.method} ${url.pathname}`;
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    // ---- v1 edge (machine key) ----
    if (url.pathname.startsWith('/api/v1/edge/')) {
      this.#machineKey(header('x-rvm-api-key'));
      if (route === 'POST /api/v1/edge/handshake') {
        this.handshakes.push(validate(v1.V1Handshake, json(raw)));
        return new Reply(200, {
          status: 'success',
          data: {
            identity: { rvm_id: this.o.rvmId, rvm_uuid: this.rvmUuid, rvm_name: 'Double RVM' },
            kiosk: { url: `${this.url}/kiosk`, timezone: 'Asia/Jakarta' },
            websocket: {
              channel: `rvm.${this.rvmUuid}`,
              auth_token: null,
              host: '127.0.0.1',
              port: this.#port,
              scheme: 'ws',
            },
            policy: v1.handshakePolicy(this),
            ai_model: this.aiModel,
          },
        });
      }
      if (route === 'POST /api/v1/edge/heartbeat') {
        const { record, reply } = v1.heartbeat(this, raw, this.faults.noTechnician);
        this.heartbeats.push(record);
        return reply;
      }
      if (route === 'POST /api/v1/edge/deposit') {
        const form = await formOf(req, raw);
        const errors: Record<string, string[]> = {};
        const image = form.get('image');
        if (!(image instanceof Blob) || image.size === 0) errors.image = ['The image field is required.'];
        else if (image.size > 5 * 1024 * 1024)
          errors.image = ['The image field must not be greater than 5120 kilobytes.'];
        else if (!['image/jpeg', 'image/png'].includes(image.type))
          errors.image = ['The image field must be a file of type: jpeg, png.'];
        const status = form.get('status');
        if (typeof status !== 'string' || !status) errors.status = ['The status field is required.'];
        const data = form.get('data');
        let parsed: unknown;
        try {
          parsed = typeof data === 'string' ? JSON.parse(data) : undefined;
        } catch {
          errors.data = ['The data field must be a valid JSON string.'];
        }
        if (Object.keys(errors).length) throw unprocessable(errors);
        this.deposits.push({ profile: 'v1', key, body: { status, data: parsed }, at: Date.now() });
        return new Reply(201, {
          status: 'success',
          data: {
            image_url: `/storage/${this.deposits.length}.jpg`,
            ai_result: null,
            processed_at: new Date().toISOString(),
          },
        });
      }
      if (route === 'POST /api/v1/edge/sync-offline') {
        const bearer = header('authorization')?.startsWith('Bearer ') ? header('authorization') : undefined;
        return v1.syncOffline(this, raw, key, bearer);
      }
    }
    if (route === 'POST /api/v1/dataset/upload' && this.line === 'dev') {
      this.#machineKey(header('x-rvm-api-key'));
      return v1.datasetUpload(this, req, raw, this.o.rvmId);
    }
    // ---- v1 kiosk (machine UUID) ----
    if (url.pathname.startsWith('/api/v1/kiosk/')) {
      const uuid = header('x-machine-uuid');
      if (!uuid) throw new Reply(400, { success: false, message: 'X-Machine-UUID header is required' });
      if (uuid !== this.rvmUuid) throw new Reply(404, { success: false, message: 'Machine not found' });
      if (route === 'GET /api/v1/kiosk/session/token') {
        const token = randomBytes(32).toString('hex');
        const expiresAt = Date.now() + (this.o.qrTtlS || 300) * 1000;
        this.#qr.set(token, { profile: 'v1', token, status: 'pending', expiresAt });
        return new Reply(200, {
          success: true,
          data: {
            token,
            expires_at: new Date(expiresAt).toISOString(),
            expires_in: this.o.qrTtlS || 300,
            qr_content: `myrvm://session/${token}?m=${this.rvmUuid}`,
          },
        });
      }
      if (route === 'GET /api/v1/kiosk/session/status') {
        const qr = this.#qrOf(url.searchParams.get('token'));
        return new Reply(200, {
          success: true,
          data: {
            status: qr.status,
            ...(qr.user ? { user: { ...qr.user, balance: 0 }, session_id: qr.sessionId } : {}),
            expires_at: new Date(qr.expiresAt).toISOString(),
          },
        });
      }
      if (route === 'POST /api/v1/kiosk/auth/pin') {
        const body = validate(z.object({ pin: z.string().length(6) }), json(raw));
        if (this.#pinFailures >= 5)
          throw new Reply(429, { success: false, message: 'Too many attempts', retry_after: 3600 });
        const name = this.pins.get(body.pin);
        if (!name) {
          this.#pinFailures++;
          throw new Reply(401, { success: false, message: 'Invalid PIN', remaining_attempts: 5 - this.#pinFailures });
        }
        return new Reply(200, {
          success: true,
          data: {
            technician_name: name,
            assignment_id: 31,
            permissions: { view_logs: true, view_status: true, test_hardware: true, toggle_theme: true },
            session_expires_at: new Date(Date.now() + 3600_000).toISOString(),
          },
        });
      }
      if (route === 'GET /api/v1/kiosk/maintenance/status') {
        return new Reply(200, {
          success: true,
          data: {
            machine: { name: 'Double RVM', status: this.machineStatus, last_activity: new Date().toISOString() },
            connections: { websocket: this.#live.size > 0 },
            hardware: { door_status: 'closed', conveyor_status: 'idle', bin_level: 40 },
            ai_model: { version: null, last_updated: null },
          },
        });
      }
      if (route === 'GET /api/v1/kiosk/config') {
        return new Reply(200, {
          success: true,
          data: {
            machine_name: 'Double RVM',
            theme_mode: 'auto',
            applied_theme: 'light',
            timezone: 'Asia/Jakarta',
            qr_refresh_interval: 300,
            ...(this.line === 'dev' ? { status: this.machineStatus } : {}),
          },
        });
      }
      if (route === 'POST /api/v1/kiosk/session/guest') return v1.guestSession(this);
      if (route === 'POST /api/v1/kiosk/maintenance/command') return v1.technicianCommand(this, raw);
    }
    // ---- v2 ----
    if (route === 'POST /api/v2/auth/login') {
      const body = validate(V2Login, json(raw));
      if (body.email !== this.o.email || body.password !== this.o.password) {
        throw new Reply(401, { success: false, message: 'Invalid credentials' });
      }
      const token = randomBytes(20).toString('hex');
      this.#tokens.add(token);
      return new Reply(200, {
        success: true,
        message: 'Login successful',
        data: { user: { id: 1, name: 'RVM 7', email: body.email, role: 'machine' }, token, token_type: 'Bearer' },
      });
    }
    if (route === 'POST /api/v2/rvm/self/claim') {
      if (header('x-api-key') !== this.o.machineApiKey)
        throw new Reply(401, { success: false, message: 'Invalid API key' });
      const body = validate(z.object({ rvm_id: z.number().int() }).loose(), json(raw));
      return new Reply(200, {
        success: true,
        message: 'claimed',
        data: { rvm_id: body.rvm_id, name: 'Double RVM', timezone: 'Asia/Jakarta', timezone_offset: '+07:00' },
      });
    }
    if (route === 'PATCH /api/v2/rvm/self/update') return selfUpdate(this, raw, header('x-api-key'), this.o.rvmId);
    if (route === 'POST /api/v2/rvm/session/activate-guest') {
      return activateGuest(this, raw, (token) => this.#qr.get(token), this.o.rvmId);
    }
    if (route === 'POST /api/v2/rvm/session/create') {
      const body = validate(z.object({ rvm_id: z.number().int() }), json(raw));
      const token = randomUUID();
      const expiresAt = Date.now() + (this.o.qrTtlS || 600) * 1000;
      this.#qr.set(token, { profile: 'v2', token, status: 'pending', expiresAt });
      return new Reply(200, {
        success: true,
        message: 'created',
        data: {
          id: this.#qr.size,
          session_token: token,
          rvm_id: body.rvm_id,
          expires_at: new Date(expiresAt).toISOString(),
        },
      });
    }
    if (route === 'GET /api/v2/rvm/session/status') {
      const qr = this.#qrOf(url.searchParams.get('session_token'));
      return new Reply(200, {
        success: true,
        message: 'ok',
        data: {
          session_token: qr.token,
          status: qr.status === 'pending' ? 'active' : qr.status,
          rvm_id: this.o.rvmId,
          user_id: qr.user?.id ?? null,
          user_name: qr.user?.name ?? null,
        },
      });
    }
    if (/^POST \/api\/v2\/rvms\/\d+\/metrics$/.test(route)) {
      this.metrics.push(validate(V2Metrics, json(raw)));
      return new Reply(200, { success: true, message: 'Metrics stored' });
    }
    if (url.pathname.startsWith('/api/v2/')) {
      const auth = header('authorization');
      if (!auth?.startsWith('Bearer ') || !this.#tokens.has(auth.slice(7))) {
        throw new Reply(401, { success: false, message: 'Unauthenticated.' });
      }
      if (route === 'POST /api/v2/deposits') {
        const forced = this.forceValidationError;
        if (forced) {
          this.forceValidationError = undefined;
          throw unprocessable({ [forced.field]: [forced.message] });
        }
        const body = validate(V2Deposit, json(raw));
        const id = this.#nextDepositId++;
        this.v2Deposits.set(id, { status: 'processing', body });
        this.deposits.push({ profile: 'v2', key, body, at: Date.now() });
        return new Reply(201, {
          success: true,
          message: 'Deposit created',
          data: {
            deposit_id: id,
            waste_type: body.waste_type,
            quality_grade: 'B',
            ai_confidence: 90,
            reward_amount: 0,
            status: 'processing',
          },
        });
      }
      const process = /^POST \/api\/v2\/deposits\/(\d+)\/process$/.exec(route);
      if (process) {
        const deposit = this.v2Deposits.get(Number(process[1]));
        if (!deposit) throw new Reply(404, { success: false, message: 'Deposit not found' });
        const body = validate(V2Process, json(raw));
        if (deposit.status !== 'processing') {
          throw new Reply(400, { success: false, message: 'Deposit is not pending or processing' });
        }
        deposit.status = body.status;
        if (body.final_reward_amount !== undefined) deposit.reward = body.final_reward_amount;
        return new Reply(200, {
          success: true,
          message: 'processed',
          data: {
            deposit_id: Number(process[1]),
            status: body.status,
            reward_amount: deposit.reward ?? 0,
            processed_at: new Date().toISOString(),
          },
        });
      }
      if (route === 'POST /api/v2/upload') {
        const form = await formOf(req, raw, 'file');
        const file = form.get('file');
        if (!(file instanceof Blob) || file.size === 0) throw unprocessable({ file: ['The file field is required.'] });
        let metadata: unknown;
        try {
          metadata = JSON.parse(String(form.get('metadata') ?? 'null'));
        } catch {
          throw unprocessable({ metadata: ['The metadata field must be a valid JSON string.'] });
        }
        const path = `uploads/${this.uploads.length + 1}.jpg`;
        this.uploads.push({ path, size: file.size, type: file.type, metadata });
        return new Reply(200, {
          success: true,
          message: 'uploaded',
          data: { file_path: path, file_size: file.size, mime_type: file.type, metadata },
        });
      }
      if (route === 'POST /api/v2/detection-results') {
        const body = validate(V2Detection, json(raw));
        this.detections.push(body);
        return new Reply(201, { success: true, message: 'stored', data: { id: this.detections.length, ...body } });
      }
      if (/^GET \/api\/v2\/rvm-status\/\d+$/.test(route)) {
        return new Reply(200, {
          success: true,
          message: 'ok',
          data: {
            rvm_id: this.o.rvmId,
            rvm_name: 'Double RVM',
            current_status: 'active',
            latest_detection_result: this.detections.at(-1) ?? null,
            timestamp: new Date().toISOString(),
          },
        });
      }
      if (route === 'POST /api/v2/processing-engines') {
        const body = validate(V2Engine, json(raw));
        const id = this.engines.size + 1;
        this.engines.set(id, { body, pings: 0 });
        return new Reply(201, { success: true, message: 'created', data: { id, ...body } });
      }
      const ping = /^POST \/api\/v2\/processing-engines\/(\d+)\/ping$/.exec(route);
      if (ping && !this.faults.enginePingMissing) {
        const engine = this.engines.get(Number(ping[1]));
        if (!engine) throw new Reply(404, { success: false, message: 'Processing engine not found' });
        engine.pings++;
        return new Reply(200, { success: true, message: 'pong', data: { id: Number(ping[1]), status: 'online' } });
      }
      if (route === 'POST /api/v2/timezone/sync') {
        const body = validate(V2Timezone, json(raw));
        this.timezoneSyncs.push(body);
        return new Reply(200, { success: true, message: 'synced', data: { sync_log_id: 1, ...body } });
      }
    }
    throw new Reply(404, { message: `The route ${url.pathname.slice(1)} could not be found.` });
  }

  /** The v1 machine key check (edge calls and the dataset upload). */
  #machineKey(apiKey: string | undefined): void {
    if (!apiKey) throw new Reply(401, { status: 'error', message: 'API key missing', error_code: 'MISSING_API_KEY' });
    if (apiKey !== this.o.apiKey)
      throw new Reply(401, { status: 'error', message: 'Invalid API key', error_code: 'INVALID_API_KEY' });
    if (this.faults.blocked)
      throw new Reply(403, { status: 'error', message: 'Machine is blocked', error_code: 'MACHINE_BLOCKED' });
  }

  #qrOf(token: string | null): QrSession {
    const qr = token ? this.#qr.get(token) : undefined;
    if (!qr) throw new Reply(404, { success: false, message: 'Session not found' });
    if (qr.status === 'pending' && Date.now() > qr.expiresAt) qr.status = 'expired';
    return qr;
  }
}
