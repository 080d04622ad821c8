import type { Identity } from '../../src-preload/contract';
import type { Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import { isStorageError } from '../store/storage-error';

/** How often the store is tried again while it cannot write (disk full), and free space re-checked. */
export const STORAGE_RETRY_MS = 5_000;

/** A session whose close could not be written (disk full): closed with its credit once it can be. */
export interface UnclosedSession {
  readonly sessionId: string;
  readonly identity: Identity;
  readonly reason: string;
}

export interface StorageRecoveryDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Free space in the data folder in MB (statfs); undefined: not measured (tests). */
  readonly freeMb?: () => number;
  readonly minFreeMb: number;
  /** Writes the session's close (throws a storage error while the disk is still full). */
  readonly closeSession: (session: UnclosedSession) => void;
  /** The disk has room again and nothing is left to write: back in service. */
  readonly recovered: () => void;
}

/**
 * Disk full as a state that ends by itself: every STORAGE_RETRY_MS the session left open is closed
 * (with every committed credit) as soon as a write succeeds, and once there is room above
 * deposit.minFreeMb the machine returns to service.
 */
export class StorageRecovery {
  readonly #d: StorageRecoveryDeps;
  #unclosed: UnclosedSession | undefined;
  #cancel: (() => void) | undefined;

  constructor(deps: StorageRecoveryDeps) {
    this.#d = deps;
  }

  /** Below deposit.minFreeMb: no new session may start. */
  lowOnSpace(): boolean {
    const free = this.#d.freeMb?.();
    return free !== undefined && free < this.#d.minFreeMb;
  }

  /** Starts retrying (once); `unclosed` is a session to close when the disk allows. */
  begin(unclosed?: UnclosedSession): void {
    if (unclosed) this.#unclosed = unclosed;
    this.#cancel ??= this.#d.clock.every(STORAGE_RETRY_MS, () => this.#retry());
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #retry(): void {
    const log = this.#d.logger;
    if (this.#unclosed) {
      const session = this.#unclosed;
      try {
        this.#d.closeSession(session);
        log.warn(`closed session ${session.sessionId} after the disk had room again (credit kept)`);
        this.#unclosed = undefined;
      } catch (error) {
        if (isStorageError(error)) return; // still no room: the next try
        // Not a matter of space: logged once; the session stays open and the next start closes it.
        log.error(
          `closing session ${session.sessionId} after a full disk failed; it is closed at the next start`,
          error,
        );
        this.#unclosed = undefined;
      }
    }
    if (this.lowOnSpace()) return;
    this.stop();
    log.info('storage has room again: back in service');
    this.#d.recovered();
  }
}
