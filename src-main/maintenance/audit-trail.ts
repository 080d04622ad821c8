import type { Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import type { AuditRepo } from '../store/audit.repo';

export interface AuditEntryIn {
  readonly actor: string;
  readonly action: string;
  readonly detail: string | null;
  readonly result: string;
}

/** Every technician's action, in the deposit database's audit log (and the log file if that is broken). */
export function auditTrail(repo: AuditRepo | undefined, clock: Clock, logger: Logger): (entry: AuditEntryIn) => void {
  return (entry) => {
    const line = `audit: ${entry.actor} ${entry.action}${entry.detail ? ` ${entry.detail}` : ''} → ${entry.result}`;
    try {
      if (!repo) throw new Error('the local store is unavailable');
      repo.append({ at: clock.now(), ...entry });
      logger.info(line);
    } catch (error) {
      logger.warn(`${line} (not in the audit table: ${(error as Error).message})`);
    }
  };
}
