import { z } from 'zod';
import { action, call, event, view } from './define';

export const LINK_STATES = ['online', 'degraded', 'offline', 'disabled'] as const;

/** The platform link as the kiosk sees it: for the corner indicator and maintenance. */
export const LinkStatusSchema = z.object({
  profile: z.enum(['none', 'v1', 'v2']),
  /** online: the last exchange worked; degraded: it answers but refuses or fails; offline: no answer. */
  state: z.enum(LINK_STATES),
  /** Epoch ms of the last successful exchange, null before the first. */
  lastSuccessAt: z.number().nullable(),
  /** What went wrong last (no secrets), null while all is well. */
  lastError: z.string().nullable(),
  backlog: z.object({
    /** Jobs not yet delivered (pending + in flight). */
    count: z.number().int().nonnegative(),
    /** Epoch ms the oldest of them was committed, null when none. */
    oldestAt: z.number().nullable(),
    quarantined: z.number().int().nonnegative(),
  }),
  /** Live events (Pusher protocol) connected. */
  live: z.boolean(),
});
export type LinkStatus = z.infer<typeof LinkStatusSchema>;

/** A delivery the platform refused for good (validation, 4xx): waits for a technician. */
export const QuarantinedJobSchema = z.object({
  id: z.number().int().positive(),
  /** deposit.item or deposit.session. */
  kind: z.string(),
  /** The local session it belongs to. */
  sessionId: z.string(),
  createdAt: z.number(),
  attempts: z.number().int().nonnegative(),
  /** The platform's answer (no secrets). */
  lastError: z.string().nullable(),
});
export type QuarantinedJob = z.infer<typeof QuarantinedJobSchema>;

/** The commands a technician may send through v1 `/kiosk/maintenance/command` (carried out here after its 200). */
export const TECHNICIAN_COMMANDS = [
  'test_motor',
  'open_door',
  'close_door',
  'test_led',
  'test_sensor',
  'check_connection',
  'reboot_edge',
  'check_model_update',
] as const;

export const CommandResultSchema = z.object({
  action: z.string(),
  timestamp: z.string().nullable(),
  result: z.enum(['done', 'failed', 'refused']),
  detail: z.string(),
  at: z.number(),
});

export const platformContract = {
  status: call(z.undefined(), LinkStatusSchema),
  /** Sent when the state or the backlog changes. */
  changed: event(LinkStatusSchema),
  /** Technicians only (maintenance session); the technician is the one signed in. */
  quarantine: view('view_status', z.undefined(), z.array(QuarantinedJobSchema)),
  /** Sends a quarantined delivery again (after the cause was fixed, e.g. a waste-type mapping). */
  retry: action('update_config', z.object({ id: z.number().int().positive() }), LinkStatusSchema),
  /** Gives a quarantined delivery up; the local records stay. The reason goes to the audit log. */
  discard: action(
    'update_config',
    z.object({
      id: z.number().int().positive(),
      reason: z.string().trim().min(3, 'say why it is discarded').max(500),
    }),
    LinkStatusSchema,
  ),
  /** v2: tells the platform this machine's timezone now (maintenance "sync timezone"). */
  syncTimezone: action('update_config', z.undefined(), z.object({ timezone: z.string(), syncedAt: z.number() })),
  /**
   * v1: a technician signed in with a platform PIN sends a command through the platform (which records it
   * against their assignment); the machine carries it out after the platform's 200.
   */
  technicianCommand: action('test_hardware', z.object({ command: z.enum(TECHNICIAN_COMMANDS) }), CommandResultSchema),
} as const;
