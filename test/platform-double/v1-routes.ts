// The double's v1 rules beyond the first version: the master line's IP checks and technician commands,
// and the newest development line (`dev-server`, PLATFORM-API.md "v1, newest development line"):
// heartbeat commands with payloads kept 10 minutes and delivered at most once, the operator's status,
// training images, the donation user, and the bearer-only, session-idempotent offline sync.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { formOf, json, Reply, unprocessable, validate } from './http-kit';

export type V1Line = 'master' | 'dev';

/** One command as the dev line keeps it for the machine's next heartbeat. */
export interface QueuedCommand {
  action: string;
  payload?: unknown;
  timestamp: string;
}

/** What the v1 routes read and record (the double's own fields). */
export interface V1State {
  readonly line: V1Line;
  readonly donationUserId: number;
  /** Users the dev line can credit (id → points balance); the donation user is one of them. */
  readonly balances: Map<number, number>;
  readonly commands: QueuedCommand[];
  readonly syncs: Array<{ profile: 'v1' | 'v2'; key: string | null; body: unknown; at: number }>;
  readonly datasetUploads: Array<{ id: number; size: number; type: string; cameraPort: string | null }>;
  readonly technicianCommands: Array<{ command: string; params: unknown; assignment_id: unknown }>;
  readonly guestSessions: string[];
  /** The status the platform shows for the machine: `maintenance` after the operator's MAINTENANCE. */
  machineStatus: 'online' | 'maintenance';
  lastCaptureAt: number | null;
  /** Dev line: the sync route wants a bearer (true, the server as it is) or takes the machine key. */
  syncBearerOnly: boolean;
}

const Ip = z.union([z.ipv4(), z.ipv6()]);
/** Both lines validate the addresses; the dev line also ip_vpn as "an address or null". */
export const V1Handshake = z
  .object({
    hardware_id: z.string().min(1).max(100),
    name: z.string().min(1).max(255),
    ip_local: Ip.nullish(),
    ip_vpn: Ip.nullish(),
    timezone: z.string().max(50).nullish(),
    // PLATFORM-API.md gives the sections, not their items: the items are checked for a name, which
    // is what the dev line's commands refer to (`component_name`).
    hardware_info: z
      .object({
        sensors: z.array(z.object({ name: z.string().min(1) }).loose()).optional(),
        actuators: z.array(z.object({ name: z.string().min(1) }).loose()).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
const MasterHeartbeat = z
  .object({
    hardware_id: z.string().min(1).max(100),
    status: z.string(),
    bin_capacity: z.number().min(0).max(100).optional(),
  })
  .loose();
/** The dev line ignores `discovery`, `hardware_id` and `status`, and takes `capture_complete`. */
const DevHeartbeat = z
  .object({ bin_capacity: z.number().min(0).max(100).optional(), capture_complete: z.boolean().optional() })
  .loose();
const MasterSync = z.object({
  transactions: z.array(
    z
      .object({
        items: z.array(z.object({ type: z.string(), weight: z.number(), points: z.number().int() })),
        timestamp: z.string(),
      })
      .loose(),
  ),
});
const DevSync = z.object({
  transactions: z
    .array(
      z
        .object({
          session_id: z.string(),
          user_id: z.number().int(),
          timestamp: z.string(),
          items: z.array(
            z.object({ type: z.string(), weight: z.number().optional(), points: z.number().int().optional() }).loose(),
          ),
        })
        .loose(),
    )
    .min(1),
});
const TechnicianCommand = z.object({
  command: z.enum([
    'test_motor',
    'open_door',
    'close_door',
    'test_led',
    'test_sensor',
    'check_connection',
    'reboot_edge',
    'check_model_update',
  ]),
  params: z.record(z.string(), z.unknown()).optional(),
  assignment_id: z.union([z.number().int(), z.string()]),
});
/** Commands are kept for the machine this long, then dropped unseen. */
const COMMAND_TTL_MS = 10 * 60_000;

/** The operator queues a command (the dev line sets the machine's status for MAINTENANCE/EXIT at once). */
export function queueCommand(s: V1State, action: string, payload?: unknown, at = Date.now()): void {
  s.commands.push({ action, ...(payload === undefined ? {} : { payload }), timestamp: new Date(at).toISOString() });
  if (action === 'MAINTENANCE') s.machineStatus = 'maintenance';
  if (action === 'EXIT_MAINTENANCE') s.machineStatus = 'online';
}

export function handshakePolicy(s: V1State): Record<string, unknown> {
  return {
    is_maintenance_mode: s.machineStatus === 'maintenance',
    bin_full_threshold_percent: 90,
    ...(s.line === 'dev' ? { system_donation_user_id: s.donationUserId } : {}),
  };
}

/** POST /edge/heartbeat; `noTechnician`: the master line's 403 (the dev line has none). */
export function heartbeat(s: V1State, raw: Buffer, noTechnician: boolean): { record: unknown; reply: Reply } {
  if (s.line === 'master' && noTechnician)
    throw new Reply(403, { status: 'error', message: 'No active technician assignment for this machine' });
  const parsed = json(raw);
  const body: Record<string, unknown> =
    s.line === 'dev' ? validate(DevHeartbeat, parsed) : validate(MasterHeartbeat, parsed);
  if (s.line === 'dev' && body.capture_complete === true) s.lastCaptureAt = Date.now();
  // Kept 10 minutes (a command without a readable time counts as new).
  const fresh = s.commands.splice(0).filter((c) => !(Date.now() - Date.parse(c.timestamp) >= COMMAND_TTL_MS));
  // Master delivers `{action, timestamp}`; the dev line adds the payload (at most once either way).
  const commands = s.line === 'dev' ? fresh : fresh.map(({ action, timestamp }) => ({ action, timestamp }));
  return {
    record: body,
    reply: new Reply(200, { status: 'success', server_time: new Date().toISOString(), commands }),
  };
}

/** POST /edge/sync-offline, as each line has it. */
export function syncOffline(s: V1State, raw: Buffer, key: string | null, bearer: string | undefined): Reply {
  const body = json(raw) as { transactions?: unknown };
  if (s.line === 'master') {
    if (!Array.isArray(body?.transactions)) throw new Reply(422, { status: 'error', message: 'Invalid format' });
    const parsed = validate(MasterSync, body);
    s.syncs.push({ profile: 'v1', key, body: parsed, at: Date.now() });
    return new Reply(200, { status: 'success', synced_count: parsed.transactions.length });
  }
  // The later route wins: SyncOfflineController behind Sanctum (the machine key alone is refused).
  if (s.syncBearerOnly && !bearer) throw new Reply(401, { message: 'Unauthenticated.' });
  const parsed = validate(DevSync, body);
  let synced = 0;
  const errors: string[] = [];
  for (const tx of parsed.transactions) {
    if (s.syncs.some((r) => (r.body as { session_id?: string }).session_id === tx.session_id)) {
      synced++; // already synced: counted, not credited again
      continue;
    }
    const user = tx.user_id === -1 ? s.donationUserId : tx.user_id;
    if (!s.balances.has(user)) {
      errors.push(`User not found: ${tx.user_id}`);
      continue;
    }
    const points = tx.items.reduce((sum, i) => sum + (i.points ?? 0), 0);
    s.balances.set(user, (s.balances.get(user) ?? 0) + points);
    s.syncs.push({ profile: 'v1', key, body: tx, at: Date.now() });
    synced++;
  }
  return new Reply(200, {
    status: 'success',
    message: `Synced ${synced} offline transactions`,
    synced_count: synced,
    errors,
  });
}

/** POST /dataset/upload (dev line, machine key): multipart `image` ≤ 10 MB, optional `camera_port`. */
export async function datasetUpload(s: V1State, req: IncomingMessage, raw: Buffer, rvmId: number): Promise<Reply> {
  const form = await formOf(req, raw);
  const image = form.get('image');
  if (!(image instanceof Blob) || image.size === 0) throw unprocessable({ image: ['The image field is required.'] });
  if (image.size > 10 * 1024 * 1024)
    throw unprocessable({ image: ['The image field must not be greater than 10240 kilobytes.'] });
  if (!image.type.startsWith('image/')) throw unprocessable({ image: ['The image field must be an image.'] });
  const port = form.get('camera_port');
  const id = s.datasetUploads.length + 1;
  const filename = `capture_${randomBytes(4).toString('hex')}.jpg`;
  s.datasetUploads.push({ id, size: image.size, type: image.type, cameraPort: typeof port === 'string' ? port : null });
  return new Reply(201, {
    success: true,
    data: {
      id,
      rvm_machine_id: rvmId,
      file_path: `dataset/${filename}`,
      filename,
      camera_port: typeof port === 'string' ? port : null,
      captured_at: new Date().toISOString(),
    },
  });
}

/**
 * POST /kiosk/maintenance/command (both lines): recorded and answered `sent`, never relayed to the
 * machine. `reboot_edge` needs full access, which the double's technician does not have.
 */
export function technicianCommand(s: V1State, raw: Buffer): Reply {
  const body = validate(TechnicianCommand, json(raw));
  if (body.command === 'reboot_edge')
    throw new Reply(403, { success: false, message: 'Full access is required to reboot the machine' });
  s.technicianCommands.push({ command: body.command, params: body.params ?? null, assignment_id: body.assignment_id });
  return new Reply(200, {
    success: true,
    data: { request_id: `req_${randomBytes(4).toString('hex')}`, command: body.command, status: 'sent' },
  });
}

export function guestSession(s: V1State): Reply {
  const id = `guest_${randomBytes(6).toString('hex')}`;
  s.guestSessions.push(id);
  return new Reply(200, { success: true, data: { session_id: id, type: 'guest', display_name: 'Tamu' } });
}
