import { z } from 'zod';
import { action, call, event, PERMISSIONS, view } from './define';

export const MaintenanceSessionSchema = z.object({
  technician: z.string(),
  permissions: z.array(z.enum(PERMISSIONS)),
  /** Who vouched for the PIN: the platform (v1 /kiosk/auth/pin) or this machine's configured hashes. */
  source: z.enum(['platform', 'local']),
  openedAt: z.number(),
  /** Epoch ms the session ends unless something is done (idle timeout). */
  idleUntil: z.number(),
});
export type MaintenanceSession = z.infer<typeof MaintenanceSessionSchema>;

export const PinPadStateSchema = z.object({
  /** Epoch ms the pad opens again after too many wrong PINs; null when open. */
  lockedUntil: z.number().nullable(),
  remainingAttempts: z.number().int().nonnegative(),
  /** Whether any way to check a PIN exists (configured technicians or the v1 platform). */
  configured: z.boolean(),
});
export type PinPadState = z.infer<typeof PinPadStateSchema>;

export const UnlockResultSchema = z.discriminatedUnion('granted', [
  z.object({ granted: z.literal(true), session: MaintenanceSessionSchema }),
  z.object({
    granted: z.literal(false),
    reason: z.enum(['wrong_pin', 'locked', 'not_configured']),
    pad: PinPadStateSchema,
  }),
]);
export type UnlockResult = z.infer<typeof UnlockResultSchema>;

export const MACHINE_STATUSES = ['active', 'maintenance', 'full'] as const;
export const HARDWARE_PARTS = ['door', 'conveyor', 'led', 'sensors'] as const;

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  detail: z.string().nullable(),
  result: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const ExportTargetSchema = z.object({ path: z.string(), freeMb: z.number().nonnegative() });
export type ExportTarget = z.infer<typeof ExportTargetSchema>;

export const maintenanceContract = {
  /** The PIN pad's state (locked? attempts left?), for anyone: it is shown before a PIN is typed. */
  pad: call(z.undefined(), PinPadStateSchema),
  /** Opens a maintenance session for this screen; the customer flow pauses while one is open. */
  unlock: call(z.object({ pin: z.string().regex(/^\d{6}$/, 'the PIN is 6 digits') }), UnlockResultSchema),
  /** This screen's open session, or null. */
  session: call(z.undefined(), MaintenanceSessionSchema.nullable()),
  /** The technician is still here (touches): pushes the idle timeout back. */
  touch: view('view_status', z.undefined(), MaintenanceSessionSchema),
  /** Ends this screen's session (Exit). */
  lock: call(z.undefined(), z.null()),
  /** Sent when any session opens or ends (e.g. idle timeout): screens ask `session` again. */
  changed: event(z.object({ open: z.boolean() })),

  restartCamera: action('test_hardware', z.undefined(), z.object({ detail: z.string() })),
  restartWorker: action('test_hardware', z.undefined(), z.object({ restarts: z.number().int() })),
  /** Back to the model before the last platform update (kept in <data>/models/updates). */
  rollbackModel: action('update_config', z.undefined(), z.object({ version: z.string().nullable() })),
  /** Reloads every kiosk screen (the renderer listens to `reload`). */
  reloadUi: action('reboot_machine', z.undefined(), z.null()),
  reload: event(z.object({ by: z.string() })),
  machineStatus: view('view_status', z.undefined(), z.object({ status: z.enum(MACHINE_STATUSES) })),
  /** active: take items; maintenance: closed until set active; full: closed until the bin is emptied. */
  setMachineStatus: action(
    'update_config',
    z.object({ status: z.enum(MACHINE_STATUSES) }),
    z.object({ status: z.enum(MACHINE_STATUSES) }),
  ),
  /** After emptying the bin: level back to 0, "bin full" cleared. */
  resetBin: action('test_hardware', z.undefined(), z.object({ binLevelPercent: z.number() })),
  testHardware: action(
    'test_hardware',
    z.object({ part: z.enum(HARDWARE_PARTS) }),
    z.object({ part: z.enum(HARDWARE_PARTS), ok: z.boolean(), detail: z.string() }),
  ),
  /** Whether the database is another machine's (the kiosk is out of service until a technician chooses). */
  storeOwner: view('view_status', z.undefined(), z.object({ foreign: z.boolean() })),
  /**
   * A database from another machine: adopt it (its deposits are delivered as this machine's), or keep
   * it aside and start an empty one (nothing deleted). The kiosk then restarts when idle.
   */
  resolveForeignStore: action(
    'update_config',
    z.object({ choice: z.enum(['adopt', 'start_empty']) }),
    z.object({ detail: z.string(), restarting: z.boolean() }),
  ),
  /** The newest lines of the kiosk log (secrets are never logged). */
  logs: view(
    'view_logs',
    z.object({ lines: z.number().int().min(1).max(2000).default(200) }),
    z.object({ file: z.string(), lines: z.array(z.string()) }),
  ),
  audit: view(
    'view_status',
    z.object({ limit: z.number().int().min(1).max(500).default(50) }),
    z.array(AuditEntrySchema),
  ),
  /** Mounted removable drives a diagnostics bundle can go to. */
  exportTargets: view('view_logs', z.undefined(), z.array(ExportTargetSchema)),
  /** Config without secrets, recent logs, metrics, alerts, health and the audit log, as a folder on `target`. */
  exportDiagnostics: action(
    'view_logs',
    z.object({ target: z.string().min(1) }),
    z.object({ path: z.string(), files: z.array(z.string()), bytes: z.number().int() }),
  ),
} as const;
