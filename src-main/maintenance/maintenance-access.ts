import {
  PERMISSIONS,
  type MaintenanceSession,
  type Permission,
  type PinPadState,
  type UnlockResult,
} from '../../src-preload/contract';
import type { Config } from '../config/config.schema';
import type { Clock } from '../kernel/clock';
import { AppFailure, type CallGuard } from '../kernel/router';
import type { Logger } from '../log/logger';
import type { PinResult } from '../platform/profile';
import { verifyPin } from './pin-hash';

/** Where the pad's lockout lives so that a restart does not reset it (the deposit database's settings). */
export interface KeyValue {
  getValue(key: string): string | undefined;
  setValue(key: string, value: string): void;
}

export interface AuditSink {
  (entry: { actor: string; action: string; detail: string | null; result: string }): void;
}

export interface MaintenanceAccessDeps {
  readonly config: Config['maintenance'];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly kv: KeyValue;
  readonly audit: AuditSink;
  /** v1: the platform checks a technician's PIN first (their assignment to this machine). */
  readonly platformPin?: ((pin: string) => Promise<PinResult>) | undefined;
  /** Called when any session opens or ends; `open`: whether one is still open. */
  readonly onChanged: (open: boolean) => void;
}

interface Session {
  readonly technician: string;
  readonly permissions: readonly Permission[];
  readonly source: 'platform' | 'local';
  /** v1: the platform's assignment of this technician to this machine (their commands carry it). */
  readonly assignmentId?: string | number | undefined;
  readonly openedAt: number;
  lastActivity: number;
  cancelTimer: () => void;
}

interface Lockout {
  failures: number;
  lockedUntil: number | null;
}

/** Its key in the settings table (maintenance CLI reset-lockout deletes it). */
export const LOCKOUT_KEY = 'pin.lockout';

/**
 * Technicians' sessions, one per screen (client): the PIN pad with its persistent lockout, the
 * platform's PIN check (v1) before the local hashes, the idle timeout, and the router's guard for
 * every call the contract marks with `access`.
 */
export class MaintenanceAccess implements CallGuard {
  readonly #d: MaintenanceAccessDeps;

  /** The platform assignment of the technician signed in on `client` (a platform PIN), if any. */
  assignmentOf(client: string): string | number | undefined {
    return this.#sessions.get(client)?.assignmentId;
  }
  readonly #log: Logger;
  readonly #sessions = new Map<string, Session>();

  constructor(deps: MaintenanceAccessDeps) {
    this.#d = deps;
    this.#log = deps.logger.scope('maintenance');
  }

  get open(): boolean {
    return this.#sessions.size > 0;
  }

  pad(): PinPadState {
    const lock = this.#lockout();
    const now = this.#d.clock.now();
    const locked = lock.lockedUntil !== null && lock.lockedUntil > now;
    return {
      lockedUntil: locked ? lock.lockedUntil : null,
      remainingAttempts: locked ? 0 : Math.max(0, this.#d.config.lockout.attempts - lock.failures),
      configured: this.#d.config.technicians.length > 0 || this.#d.platformPin !== undefined,
    };
  }

  async unlock(client: string, pin: string): Promise<UnlockResult> {
    const refuse = (reason: 'wrong_pin' | 'locked' | 'not_configured'): UnlockResult => ({
      granted: false,
      reason,
      pad: this.pad(),
    });
    if (!this.pad().configured) return refuse('not_configured');
    // Counted before the slow part (platform round trip, scrypt), in one synchronous step: N PINs sent
    // at once make at most lockout.attempts comparisons.
    if (!this.#countAttempt()) {
      this.#d.audit({ actor: '(unknown)', action: 'maintenance.unlock', detail: null, result: 'refused: pad locked' });
      return refuse('locked');
    }
    const platform = await this.#askPlatform(pin);
    if (platform?.ok)
      return this.#grant(
        client,
        platform.technician,
        platformPermissions(platform.permissions),
        'platform',
        platform.assignmentId,
      );
    if (platform && !platform.ok && platform.reason === 'locked') {
      this.#lockUntil(this.#d.clock.now() + platform.retryAfterS * 1000);
      this.#d.audit({
        actor: '(unknown)',
        action: 'maintenance.unlock',
        detail: null,
        result: 'refused: locked by the platform',
      });
      return refuse('locked');
    }
    for (const technician of this.#d.config.technicians) {
      if (await verifyPin(pin, technician.pinHash)) {
        return this.#grant(client, technician.name, technician.permissions, 'local');
      }
    }
    return this.#fail();
  }

  session(client: string): MaintenanceSession | null {
    const session = this.#sessions.get(client);
    return session ? this.#view(session) : null;
  }

  /** Pushes the idle timeout back; the session must be open. */
  touch(client: string): MaintenanceSession {
    const session = this.#sessions.get(client);
    if (!session) throw new AppFailure('UNAUTHENTICATED', 'no maintenance session on this screen; enter the PIN');
    session.lastActivity = this.#d.clock.now();
    return this.#view(session);
  }

  lock(client: string, why = 'exit'): void {
    const session = this.#sessions.get(client);
    if (!session) return;
    session.cancelTimer();
    this.#sessions.delete(client);
    this.#d.audit({ actor: session.technician, action: 'maintenance.lock', detail: why, result: 'ok' });
    this.#log.info(`maintenance session of ${session.technician} ended (${why})`);
    this.#d.onChanged(this.#sessions.size > 0);
  }

  authorize(client: string, permission: Permission): string {
    const session = this.#sessions.get(client);
    if (!session) throw new AppFailure('UNAUTHENTICATED', 'no maintenance session on this screen; enter the PIN');
    if (!session.permissions.includes(permission)) {
      throw new AppFailure(
        'FORBIDDEN',
        `${session.technician} may not do this (needs the "${permission}" permission${session.source === 'platform' ? ' on the platform' : ' in maintenance.technicians'})`,
        { permission },
      );
    }
    session.lastActivity = this.#d.clock.now();
    return session.technician;
  }

  audit(entry: { actor: string; action: string; detail: string | null; result: string }): void {
    this.#d.audit(entry);
  }

  clientGone(client: string): void {
    this.lock(client, 'screen disconnected');
  }

  stop(): void {
    for (const session of this.#sessions.values()) session.cancelTimer();
    this.#sessions.clear();
  }

  async #askPlatform(pin: string): Promise<PinResult | undefined> {
    if (!this.#d.platformPin) return undefined;
    try {
      return await this.#d.platformPin(pin);
    } catch (error) {
      // Offline or failing platform: the machine's own technicians can still get in.
      this.#log.warn(`the platform could not check the PIN (${(error as Error).message}); trying local technicians`);
      return undefined;
    }
  }

  #grant(
    client: string,
    technician: string,
    permissions: readonly Permission[],
    source: 'platform' | 'local',
    assignmentId?: string | number,
  ): UnlockResult {
    this.#save({ failures: 0, lockedUntil: null });
    const previous = this.#sessions.get(client);
    previous?.cancelTimer();
    const now = this.#d.clock.now();
    const session: Session = {
      technician,
      permissions,
      source,
      assignmentId,
      openedAt: now,
      lastActivity: now,
      cancelTimer: () => {},
    };
    this.#sessions.set(client, session);
    this.#armIdle(client, session);
    this.#d.audit({
      actor: technician,
      action: 'maintenance.unlock',
      detail: `PIN checked by ${source}`,
      result: 'ok',
    });
    this.#log.info(`maintenance opened by ${technician} (${source})`);
    this.#d.onChanged(true);
    return { granted: true, session: this.#view(session) };
  }

  /**
   * Spends one of the pad's attempts, or says the pad is locked. The attempt that reaches the limit
   * locks the pad at once (a right PIN then reopens it), so attempts racing it are refused unchecked.
   */
  #countAttempt(): boolean {
    const { attempts, minutes } = this.#d.config.lockout;
    const lock = this.#lockout();
    const now = this.#d.clock.now();
    if (lock.lockedUntil !== null && lock.lockedUntil > now) return false;
    const failures = (lock.lockedUntil === null ? lock.failures : 0) + 1;
    this.#save(
      failures >= attempts ? { failures: 0, lockedUntil: now + minutes * 60_000 } : { failures, lockedUntil: null },
    );
    return true;
  }

  /** Locks until `until`, or longer if already locked longer: a later failure never shortens a lock. */
  #lockUntil(until: number): void {
    const current = this.#lockout().lockedUntil ?? 0;
    this.#save({ failures: 0, lockedUntil: Math.max(current, until) });
  }

  /** A wrong PIN (already counted by #countAttempt): audited and answered. */
  #fail(): UnlockResult {
    const { minutes } = this.#d.config.lockout;
    const locked = this.pad().lockedUntil !== null;
    const result = locked ? `refused: wrong PIN, pad locked for ${minutes} min` : 'refused: wrong PIN';
    this.#d.audit({ actor: '(unknown)', action: 'maintenance.unlock', detail: null, result });
    this.#log.warn(`maintenance: ${result}`);
    return { granted: false, reason: locked ? 'locked' : 'wrong_pin', pad: this.pad() };
  }

  #armIdle(client: string, session: Session): void {
    const idleMs = this.#d.config.idleMinutes * 60_000;
    const check = () => {
      if (this.#sessions.get(client) !== session) return;
      const left = session.lastActivity + idleMs - this.#d.clock.now();
      if (left <= 0) this.lock(client, `idle for ${this.#d.config.idleMinutes} min`);
      else session.cancelTimer = this.#d.clock.after(left, check);
    };
    session.cancelTimer = this.#d.clock.after(idleMs, check);
  }

  #view(session: Session): MaintenanceSession {
    return {
      technician: session.technician,
      permissions: [...session.permissions],
      source: session.source,
      openedAt: session.openedAt,
      idleUntil: session.lastActivity + this.#d.config.idleMinutes * 60_000,
    };
  }

  #lockout(): Lockout {
    try {
      const raw = this.#d.kv.getValue(LOCKOUT_KEY);
      const parsed = raw ? (JSON.parse(raw) as Lockout) : undefined;
      if (
        parsed &&
        Number.isInteger(parsed.failures) &&
        (parsed.lockedUntil === null || Number.isFinite(parsed.lockedUntil))
      )
        return parsed;
    } catch {
      // A damaged record counts as no failures; the next wrong PIN writes a good one.
    }
    return { failures: 0, lockedUntil: null };
  }

  #save(lock: Lockout): void {
    this.#d.kv.setValue(LOCKOUT_KEY, JSON.stringify(lock));
  }
}

/** The v1 platform's permission flags → ours; view_status always (a session without it is useless). */
function platformPermissions(flags: Record<string, boolean>): Permission[] {
  return PERMISSIONS.filter((p) => p === 'view_status' || flags[p] === true);
}
