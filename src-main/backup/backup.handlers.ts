import type { Handlers } from '../kernel/contract-types';
import { AppFailure } from '../kernel/router';
import type { DepositService } from '../deposit/deposit.service';
import type { Logger } from '../log/logger';
import { checkTarget } from '../fs/removable-drives';
import { BackupError } from './archive';
import type { BackupService } from './backup.service';

export interface BackupHandlerDeps {
  readonly backup: BackupService | undefined;
  readonly deposit: DepositService | undefined;
  /** Restarts the kiosk once idle; undefined where this runtime cannot restart itself. */
  readonly restart: ((why: string) => void) | undefined;
  readonly exportRoots: readonly string[];
  readonly logger: Logger;
}

const RESTORING = 'restoring a backup';

/** The maintenance screen's backup calls (guarded and audited by the router). */
export function createBackupHandlers(d: BackupHandlerDeps): Handlers['backup'] {
  const use = (): BackupService => {
    if (!d.backup)
      throw new AppFailure('UNAVAILABLE', 'backups are off: the machine secret cannot be read (see the log)');
    return d.backup;
  };
  const refuse = (error: unknown): never => {
    if (error instanceof AppFailure) throw error;
    throw new AppFailure(error instanceof BackupError ? 'BAD_REQUEST' : 'UNAVAILABLE', (error as Error).message);
  };
  return {
    // The contract's schema leaves out the internal fingerprint.
    list: () => use().list(),
    create: async ({ kind }) => {
      const backup = use();
      try {
        const info = await backup.runExclusive(() => backup.create(kind, 'on demand (maintenance)'));
        return info!;
      } catch (error) {
        return refuse(error);
      }
    },
    verify: ({ id }) => {
      try {
        return use().verify(id);
      } catch (error) {
        return refuse(error);
      }
    },
    restore: async ({ id }) => {
      const backup = use();
      const restart = d.restart;
      if (!restart) {
        throw new AppFailure(
          'UNAVAILABLE',
          'this kiosk cannot restart itself here: stop it and run `npm run backup -- restore <id>`, then start it',
        );
      }
      const checked = backup.verify(id);
      if (!checked.verified?.ok) throw new AppFailure('BAD_REQUEST', `not restored: ${checked.verified?.detail}`);
      // Intake stops first; an open customer session is closed with its credit (it is in the safety backup).
      d.deposit?.setOutOfService('backup', RESTORING);
      try {
        const safety = await backup.runExclusive(() => backup.create('database', `safety copy before restoring ${id}`));
        const staged = backup.stageRestore(id);
        d.logger.scope('backup').warn(`restore of ${id} staged (${staged.detail}); restarting`);
        restart(`restoring backup ${id}`);
        return { safetyBackup: safety!.id, detail: staged.detail };
      } catch (error) {
        d.deposit?.setOutOfService('backup', null);
        return refuse(error);
      }
    },
    copyToDrive: ({ id, target }) => {
      try {
        return { path: use().copyTo(id, checkTarget(target, d.exportRoots)) };
      } catch (error) {
        return refuse(error);
      }
    },
  };
}
