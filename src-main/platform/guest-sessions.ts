import type { Logger } from '../log/logger';
import type { SessionRow } from '../store/session.repo';
import { PlatformError } from './platform-error';

/** Small durable settings (the deposit database's settings table). */
export interface KeyValue {
  getValue(key: string): string | undefined;
  setValue(key: string, value: string): void;
}

export interface GuestSessionsOptions {
  /** Where the references are kept; undefined (no store): in memory only. */
  readonly kv: KeyValue | undefined;
  /** The profile's call; undefined: the platform has no guest sessions. */
  readonly open: (() => Promise<string>) | undefined;
  readonly log: Logger;
}

const KEY = 'platform.guestSessions';
/** Sessions remembered at most; the oldest go first (their deliveries are long done). */
const KEEP = 500;

/**
 * The platform's session for each guest or donation customer: opened when the session's first job
 * is delivered (so a session made offline is reported too) and kept in the store until its credit is
 * delivered, so every item of the session names the same one, across restarts. A session the
 * platform refuses to open (a 4xx) is delivered without one; a passing failure is retried with the job.
 */
export class GuestSessions {
  readonly #o: GuestSessionsOptions;
  #memory: Record<string, string | null> | undefined;

  constructor(o: GuestSessionsOptions) {
    this.#o = o;
  }

  /** The member's claim, else this guest or donation session's platform session, else null. */
  async ref(session: SessionRow | undefined): Promise<string | null> {
    if (!session) return null;
    if (session.platformSession) return session.platformSession;
    const open = this.#o.open;
    if (!open || (session.identity !== 'guest' && session.identity !== 'donation')) return null;
    const known = this.#read();
    if (session.id in known) return known[session.id] ?? null;
    let ref: string | null;
    try {
      ref = await open();
      this.#o.log.info(`session ${session.id}: platform ${session.identity} session ${ref}`);
    } catch (error) {
      if (!(error instanceof PlatformError) || error.isTransient || error.isAuth) throw error;
      this.#o.log.warn(`session ${session.id}: no platform guest session (${error.message}); delivered without one`);
      ref = null;
    }
    this.#write({ ...this.#read(), [session.id]: ref });
    return ref;
  }

  /** The session's credit is delivered: nothing will ask for its reference again. */
  forget(sessionId: string): void {
    const known = this.#read();
    if (!(sessionId in known)) return;
    delete known[sessionId];
    this.#write(known);
  }

  #read(): Record<string, string | null> {
    if (this.#memory) return { ...this.#memory };
    let stored: Record<string, string | null> = {};
    try {
      const raw = this.#o.kv?.getValue(KEY);
      if (raw) stored = JSON.parse(raw) as Record<string, string | null>;
    } catch (error) {
      this.#o.log.warn(`${KEY} unreadable (${(error as Error).message}); guest sessions are opened again`);
    }
    this.#memory = stored;
    return { ...stored };
  }

  #write(map: Record<string, string | null>): void {
    const entries = Object.entries(map);
    const kept = Object.fromEntries(entries.slice(Math.max(0, entries.length - KEEP)));
    this.#memory = kept;
    this.#o.kv?.setValue(KEY, JSON.stringify(kept));
  }
}
