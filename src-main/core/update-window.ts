import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file';
import type { Logger } from '../log/logger';
import type { Clock } from '../kernel/clock';

/** A request older than this is left over from an updater that died: it is ignored and removed. */
export const STALE_REQUEST_MS = 3 * 3_600_000;

export interface UpdateWindowDeps {
  readonly dataDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** No customer session is open and no technician is in maintenance. */
  readonly idle: () => boolean;
  /** Holds customers off (reason) or lets them in again (null). */
  readonly hold: (reason: string | null) => void;
  readonly pollMs?: number;
}

/**
 * The safe window for software updates (build/linux/rvm-kiosk-update): the updater writes
 * <data>/update/request; once the kiosk is idle it stops taking customers and answers with
 * <data>/update/ready. When the request goes away (installed, failed or given up) customers are let
 * in again. An update is therefore never installed under a customer or a technician.
 */
export class UpdateWindow {
  readonly #request: string;
  readonly #ready: string;
  #holding = false;
  #stop: (() => void) | undefined;

  constructor(private readonly d: UpdateWindowDeps) {
    this.#request = join(d.dataDir, 'update', 'request');
    this.#ready = join(d.dataDir, 'update', 'ready');
  }

  get holding(): boolean {
    return this.#holding;
  }

  start(): void {
    // A ready answer from before a restart is not an answer from this process.
    rmSync(this.#ready, { force: true });
    this.poll();
    this.#stop = this.d.clock.every(this.d.pollMs ?? 2000, () => this.poll());
  }

  stop(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  /** One look at the request (also called after a session or maintenance ends). */
  poll(): void {
    const requested = this.#requested();
    if (!requested) {
      if (!this.#holding) return;
      this.#holding = false;
      rmSync(this.#ready, { force: true });
      this.d.hold(null);
      this.d.logger.info('update window closed: taking customers again');
      return;
    }
    if (this.#holding) {
      // A new request right after the last one (rollback after install) removed the answer: answer again.
      if (!existsSync(this.#ready)) this.#answer();
      return;
    }
    if (!this.d.idle()) return;
    this.#holding = true;
    this.d.hold('updating: the kiosk software is being updated');
    this.#answer();
    this.d.logger.warn('update window open: no session, no maintenance; customers held off until the update is done');
  }

  #answer(): void {
    mkdirSync(join(this.d.dataDir, 'update'), { recursive: true });
    writeFileAtomic(this.#ready, `${new Date(this.d.clock.now()).toISOString()}\n`);
  }

  #requested(): boolean {
    if (!existsSync(this.#request)) return false;
    try {
      const age = this.d.clock.now() - statSync(this.#request).mtimeMs;
      if (age <= STALE_REQUEST_MS) return true;
      this.d.logger.warn(`${this.#request} is ${Math.round(age / 60_000)} min old (its updater is gone): removed`);
      rmSync(this.#request, { force: true });
    } catch {
      // Removed between the two looks: no request.
    }
    return false;
  }
}
