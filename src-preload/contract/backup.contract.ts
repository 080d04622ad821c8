import { z } from 'zod';
import { action, view } from './define';

export const BACKUP_KINDS = ['database', 'config', 'logs'] as const;

export const BackupInfoSchema = z.object({
  id: z.string(),
  kind: z.enum(BACKUP_KINDS),
  createdAt: z.number(),
  reason: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  appVersion: z.string(),
  schemaVersion: z.number().int().nullable(),
  /** Row counts of a database backup (sessions, items, outbox …). */
  counts: z.record(z.string(), z.number()).nullable(),
  /** The test-restore right after it was made (or the last "verify"); null before it ran. */
  verified: z.object({ ok: z.boolean(), at: z.number(), detail: z.string() }).nullable(),
});
export type BackupInfo = z.infer<typeof BackupInfoSchema>;

const Id = z.object({ id: z.string().regex(/^[0-9A-Za-z-]+$/, 'a backup id from the list') });

export const backupContract = {
  /** Newest first, with size and verification. */
  list: view('view_status', z.undefined(), z.array(BackupInfoSchema)),
  create: action('update_config', z.object({ kind: z.enum(BACKUP_KINDS).default('database') }), BackupInfoSchema),
  verify: action('update_config', Id, BackupInfoSchema),
  /**
   * Stops intake (an open session is closed with its credit), takes a safety backup, stages the chosen
   * one and restarts the kiosk, which swaps it in and checks it before taking items again.
   */
  restore: action('update_config', Id, z.object({ safetyBackup: z.string(), detail: z.string() })),
  /** Copies an archive (still encrypted) to a removable drive below maintenance.exportRoots. */
  copyToDrive: action('view_logs', Id.extend({ target: z.string().min(1) }), z.object({ path: z.string() })),
} as const;
