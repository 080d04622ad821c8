import type { Logger } from '../log/logger';

/** The part of `process` the guards use (tests pass an EventEmitter). */
export interface ProcessEvents {
  on(event: 'uncaughtException', listener: (error: Error, origin: string) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export interface ProcessGuardOptions {
  /**
   * After an uncaught exception the process's state is unknown: log it with context, then exit so the
   * service manager starts a clean one (systemd Restart=always). Never a dialog, never silent.
   */
  readonly exit: (code: number) => void;
  /** Where it runs, for the log line ("electron main", "headless"). */
  readonly where: string;
}

/** Exit status after an uncaught exception: systemd restarts the kiosk. */
export const EXIT_CRASH = 70;

/**
 * Installs the process-wide last resorts. An unhandled rejection is a bug in one promise chain: it is
 * logged with its stack and the kiosk keeps serving. An uncaught exception can leave any state torn:
 * it is logged and the process exits for a clean restart. Installing a handler also keeps Electron
 * from showing its error dialog, which nobody could dismiss on a kiosk.
 */
export function installProcessGuards(proc: ProcessEvents, logger: Logger, options: ProcessGuardOptions): void {
  let exiting = false;
  proc.on('uncaughtException', (error: Error, origin: string) => {
    logger.error(
      `uncaught exception in ${options.where} (${origin}); exiting so the service manager restarts the kiosk`,
      error,
    );
    if (exiting) return;
    exiting = true;
    options.exit(EXIT_CRASH);
  });
  proc.on('unhandledRejection', (reason: unknown) => {
    logger.error(`unhandled promise rejection in ${options.where}; the kiosk keeps serving`, reason);
  });
}
