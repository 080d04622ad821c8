import { z } from 'zod';
import { TECHNICIAN_COMMANDS } from './profile';

// Requests, as the v1 server validates them (PLATFORM-API.md, both the master and the dev-server line).
const Ip = z.union([z.ipv4(), z.ipv6()]);
const HealthMetrics = z.object({
  cpu_usage_percent: z.number().min(0).max(100).nullable(),
  memory_usage_percent: z.number().min(0).max(100).nullable(),
  disk_usage_percent: z.number().min(0).max(100).nullable(),
  cpu_temperature: z.number().nullable(),
});
/** A component the platform's commands may name (READ_SENSOR, TRIGGER_ACTUATOR `component_name`). */
const Component = z.object({ name: z.string().min(1).max(100) });
export const HandshakeRequest = z.object({
  hardware_id: z.string().min(1).max(100),
  name: z.string().min(1).max(255),
  ip_local: Ip.optional(),
  // The dev line answers 422 to anything but an address or null ("Not Connected").
  ip_vpn: Ip.nullable(),
  timezone: z.string().max(50).optional(),
  firmware_version: z.string().optional(),
  ai_model_version: z.string().optional(),
  health_metrics: HealthMetrics.optional(),
  hardware_info: z.object({ sensors: z.array(Component), actuators: z.array(Component) }).optional(),
});
export const CommandResultBody = z.object({
  action: z.string(),
  timestamp: z.string().nullable(),
  result: z.enum(['done', 'failed', 'refused']),
  detail: z.string(),
  finished_at: z.string(),
});
export const HeartbeatRequest = z.object({
  hardware_id: z.string().min(1).max(100),
  status: z.literal('online'),
  version: z.string(),
  health_metrics: HealthMetrics,
  bin_capacity: z.number().min(0).max(100),
  discovery: z.object({
    cameras: z.array(z.object({ id: z.string(), path: z.string(), name: z.string(), status: z.string() })),
  }),
  ip_local: Ip.optional(),
  tailscale_ip: Ip.nullable(),
  /** Dev line: a CAPTURE_IMAGE frame was uploaded (sent only then). */
  capture_complete: z.literal(true).optional(),
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
    /** How the platform's commands ended (the platform has no acknowledgement call). */
    command_results: z.array(CommandResultBody).optional(),
  }),
});
export const DepositData = z.object({
  session_id: z.string().min(1),
  material: z.string().min(1).nullable(),
  weight_g: z.number().nonnegative().nullable(),
  classification_confidence: z.number().min(0).max(1),
  is_accepted: z.boolean(),
  rejection_reason: z.string().nullable(),
  idempotency_key: z.string().min(1),
  item_id: z.string(),
  class_name: z.string(),
  points: z.number().int().nonnegative(),
  barcode: z.string().nullable(),
});
/**
 * One body both server lines take: master reads `items` and `timestamp`; the dev line's validator
 * requires `session_id` (its idempotency key), `user_id` and at least one transaction. The other fields
 * are the kiosk's own references (both lines ignore fields they do not know).
 */
export const SyncRequest = z.object({
  transactions: z
    .array(
      z.object({
        session_id: z.string().min(1),
        user_id: z.number().int(),
        timestamp: z.string().min(1),
        items: z.array(
          z.object({ type: z.string().min(1), weight: z.number().nonnegative(), points: z.number().int().min(0) }),
        ),
        idempotency_key: z.string(),
        identity: z.string(),
        member_id: z.string().nullable(),
        platform_session: z.string().nullable(),
      }),
    )
    .min(1),
});
export const PinRequest = z.object({ pin: z.string().length(6, 'a PIN is exactly 6 characters') });
export const TechnicianCommandRequest = z.object({
  command: z.enum(TECHNICIAN_COMMANDS),
  params: z.record(z.string(), z.unknown()).optional(),
  assignment_id: z.union([z.number().int(), z.string().min(1)]),
});

// Answers (only what the kiosk uses; unknown fields are allowed).
export const HandshakeData = z.object({
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
  policy: z
    .object({
      is_maintenance_mode: z.boolean().optional(),
      /** Dev line: the "System Donation" user credited for donations. */
      system_donation_user_id: z.number().int().nullish(),
    })
    .loose()
    .nullish(),
  ai_model: z
    .object({
      target_version: z.string().max(64).nullish(),
      hash: z.string().max(200).nullish(),
      update_source_url: z.string().max(2000).nullish(),
    })
    .loose()
    .nullish(),
});
export const HeartbeatBody = z.object({
  status: z.literal('success'),
  server_time: z.string().optional(),
  commands: z
    .array(z.object({ action: z.string().min(1), payload: z.unknown().optional(), timestamp: z.string().optional() }))
    .default([]),
});
/** Master: `{status, synced_count}`; dev line: also `message` and `errors[]` (a transaction it could not store). */
export const SyncBody = z.object({
  status: z.literal('success'),
  synced_count: z.number().int().nonnegative().optional(),
  errors: z.array(z.unknown()).optional(),
});
export const TokenData = z.object({
  token: z.string().min(1),
  expires_at: z.string().optional(),
  expires_in: z.number().positive().optional(),
  qr_content: z.string().min(1),
});
export const StatusData = z.object({
  status: z.enum(['pending', 'claimed', 'expired']),
  session_id: z.string().optional(),
  user: z.object({ id: z.union([z.number(), z.string()]), name: z.string().optional() }).nullish(),
});
export const GuestData = z.object({ session_id: z.string().min(1) });
export const PinData = z.object({
  technician_name: z.string(),
  assignment_id: z.union([z.number(), z.string()]),
  permissions: z.record(z.string(), z.boolean()),
  session_expires_at: z.string(),
});
export const MaintenanceData = z
  .object({
    machine: z.object({ name: z.string(), status: z.string() }).loose(),
    hardware: z.object({}).loose().optional(),
  })
  .loose();
export const KioskConfigData = z
  .object({
    machine_name: z.string(),
    timezone: z.string().optional(),
    qr_refresh_interval: z.number().optional(),
    /** Dev line: the operator's status for the machine (`maintenance` when they put it there). */
    status: z.string().nullish(),
  })
  .loose();
export const DatasetData = z.object({ id: z.union([z.number(), z.string()]) }).loose();
export const TechnicianCommandData = z.object({ request_id: z.union([z.number(), z.string()]) }).loose();
