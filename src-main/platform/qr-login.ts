import type { Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import type { PlatformProfile, QrSession, QrStatus } from './profile';

/** What the QR login needs of the deposit flow. */
export interface QrTarget {
  /** True while the customer is choosing how to identify. */
  identifying(): boolean;
  /** Puts the code on screen (null: none to show, e.g. while the platform is unreachable). */
  show(qr: { content: string; expiresAt: number } | null): void;
  /** The platform confirmed a member's claim: the session is theirs. */
  identify(member: { memberId: string; name?: string }, platformSession: string): void;
}

export interface QrLoginOptions {
  readonly profile: PlatformProfile;
  readonly target: QrTarget;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Status polling interval (the live event, when it arrives, is faster). */
  readonly pollMs: number;
}

/** A fresh code is fetched this long before the old one expires, so a scan never meets a dead code. */
const RENEW_BEFORE_MS = 5_000;
/** After a failure to get a code, try again after this long (while still identifying). */
const RETRY_MS = 5_000;

/**
 * The member login: while the kiosk is identifying, show the platform's QR code, and find out when a
 * phone claimed it — by polling every `pollMs` and at once when a live `session.authorized` arrives.
 * A live event only triggers a status check, so a late, duplicate or foreign event changes nothing.
 */
export class QrLogin {
  readonly #o: QrLoginOptions;
  readonly #log: Logger;
  #qr: QrSession | undefined;
  /** Bumped whenever identifying starts or ends: answers to an older round are dropped. */
  #round = 0;
  #active = false;
  #timer: (() => void) | undefined;
  #checking = false;
  #checkAgain = false;

  constructor(options: QrLoginOptions) {
    this.#o = options;
    this.#log = options.logger.scope('qr');
  }

  /** Call on every deposit state change. */
  update(): void {
    const identifying = this.#o.target.identifying();
    if (identifying === this.#active) return;
    this.#active = identifying;
    this.#round++;
    this.#clearTimer();
    this.#qr = undefined;
    if (identifying) void this.#fetchCode(this.#round);
  }

  /** A live event said a session was authorized: check now instead of at the next poll. */
  nudge(): void {
    if (this.#active && this.#qr) void this.#check(this.#round);
  }

  stop(): void {
    this.#active = false;
    this.#round++;
    this.#clearTimer();
  }

  async #fetchCode(round: number): Promise<void> {
    let qr: QrSession;
    try {
      if (!this.#o.profile.connected) throw new Error('not connected to the platform');
      qr = await this.#o.profile.createQr();
    } catch (error) {
      if (round !== this.#round) return;
      this.#log.warn(`no QR code to show: ${(error as Error).message}; retrying in ${RETRY_MS / 1000} s`);
      this.#o.target.show(null);
      this.#schedule(round, RETRY_MS, () => void this.#fetchCode(round));
      return;
    }
    if (round !== this.#round) return;
    this.#qr = qr;
    this.#o.target.show({ content: qr.content, expiresAt: qr.expiresAt });
    this.#schedule(round, this.#o.pollMs, () => void this.#check(round));
  }

  async #check(round: number): Promise<void> {
    if (this.#checking) {
      this.#checkAgain = true;
      return;
    }
    const qr = this.#qr;
    if (!qr || round !== this.#round) return;
    this.#checking = true;
    let status: QrStatus | undefined;
    try {
      status = await this.#o.profile.qrStatus(qr.token);
    } catch (error) {
      this.#log.warn(`QR status unknown: ${(error as Error).message}`);
    } finally {
      this.#checking = false;
    }
    if (round !== this.#round || this.#qr !== qr) return;
    if (status?.status === 'claimed') {
      this.#round++;
      this.#qr = undefined;
      this.#clearTimer();
      this.#log.info(`QR claimed by member ${status.member.memberId}`);
      try {
        this.#o.target.identify(status.member, status.platformSession);
      } catch (error) {
        // The customer chose another way in the same instant: the platform session stays unused.
        this.#log.warn(`QR claim came too late: ${(error as Error).message}`);
      }
      return;
    }
    if (status?.status === 'expired' || this.#o.clock.now() >= qr.expiresAt - RENEW_BEFORE_MS) {
      this.#clearTimer();
      void this.#fetchCode(round);
      return;
    }
    if (this.#checkAgain) {
      this.#checkAgain = false;
      void this.#check(round);
      return;
    }
    this.#schedule(round, this.#o.pollMs, () => void this.#check(round));
  }

  #schedule(round: number, ms: number, run: () => void): void {
    this.#clearTimer();
    this.#timer = this.#o.clock.after(ms, () => {
      if (round === this.#round) run();
    });
  }

  #clearTimer(): void {
    this.#timer?.();
    this.#timer = undefined;
  }
}
