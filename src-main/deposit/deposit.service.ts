import { monotonicFactory } from 'ulid';
import {
  IDLE_DEPOSIT_STATE as IDLE,
  ItemVerdictSchema,
  type DepositState,
  type Identity,
  type ItemResult,
  type ItemVerdict,
  type OutOfServiceCode,
  type OutOfServiceReason,
  type RejectReason,
} from '../../src-preload/contract';
import type { Config } from '../config/config.schema';
import type { Clock } from '../kernel/clock';
import type { EventHub } from '../kernel/event-hub';
import { AppFailure } from '../kernel/router';
import type { Hardware } from '../hardware/hardware';
import type { Logger } from '../log/logger';
import { sessionIdentity, type NewItem, type SessionRepo } from '../store/session.repo';
import { isStorageError } from '../store/storage-error';
import type { NewVoucher } from '../store/voucher.repo';
import { priceItem, startOfDay } from './pricing';
import { StorageRecovery, type UnclosedSession } from './storage-recovery';

export interface DepositDeps {
  readonly sessions: SessionRepo;
  readonly hardware: Hardware;
  readonly hub: EventHub;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly deposit: Config['deposit'];
  readonly binFullPercent: number;
  /** Signs a voucher for a closing voucher session's points (payout); absent: no vouchers (a broken key). */
  readonly issueVoucher?: (points: number, at: number) => NewVoucher | null;
  /** The money value of some points (deposit.pointValue), or null. */
  readonly moneyOf?: (points: number) => { amount: number; currency: string } | null;
  /** Whether the platform was reachable lately; offline credit is capped. */
  readonly platformOnline: () => boolean;
  /** Whether the machine has a platform at all (platform.profile is not none): only then is credit "sent later". */
  readonly platformLinked?: boolean;
  /** Free space in the data folder in MB (statfs); undefined: not measured (tests). */
  readonly freeMb?: () => number;
}

/**
 * One deposit session at a time: idle → identifying → inserting → closing → receipt → idle, plus
 * out_of_service. Every credit is committed (with its outbox job) before anyone is told of it.
 */
export class DepositService {
  readonly #d: DepositDeps;
  readonly #ulid = monotonicFactory();
  readonly #log: Logger;
  readonly #outOfService = new Map<OutOfServiceCode, string>();
  #state: DepositState = IDLE;
  #cancelTimer: (() => void) | undefined;
  /** Set after each verdict; the next item counts only once the chamber was seen empty. */
  #awaitingRemoval = false;
  readonly #storage: StorageRecovery;
  /** The controller is taking an item in; a session end waits for its answer. */
  #moving = false;
  #finishAfterMove: string | undefined;

  constructor(deps: DepositDeps) {
    this.#d = deps;
    this.#log = deps.logger.scope('deposit');
    this.#storage = new StorageRecovery({
      clock: deps.clock,
      logger: this.#log,
      ...(deps.freeMb ? { freeMb: deps.freeMb } : {}),
      minFreeMb: deps.deposit.minFreeMb,
      closeSession: ({ sessionId, identity, reason }) => this.#commitClose(sessionId, identity, reason),
      recovered: () => this.setOutOfService('storage', null),
    });
  }

  /** At start-up: sessions a crash left open are closed with their credit; returns how many. */
  recover(): number {
    const open = this.#d.sessions.openSessions();
    for (const session of open) {
      const held = this.#d.sessions.heldItems(session.id).length;
      if (held) this.#log.warn(`session ${session.id}: ${held} item(s) in the machine's hands at the stop credited`);
      this.#commitClose(session.id, sessionIdentity(session), 'restart');
      this.#log.warn(`closed session ${session.id} left open by a restart (${session.totalPoints} points kept)`);
    }
    this.#set(this.#outOfService.size ? { ...IDLE, state: 'out_of_service', outOfService: this.#reasons() } : IDLE);
    return open.length;
  }

  snapshot(): DepositState {
    return this.#state;
  }

  start(): DepositState {
    if (this.#d.hardware.binLevelPercent() >= this.#d.binFullPercent) this.setOutOfService('bin', 'bin full');
    // New sessions need room to commit their items and close.
    if (this.#storage.lowOnSpace()) this.#storageFull();
    this.#require(['idle'], 'start a session');
    return this.#set({ ...IDLE, state: 'identifying', deadlineAt: this.#deadline('identifyingS') });
  }

  identify(identity: Identity, platformSession: string | null = null): DepositState {
    this.#require(['identifying'], 'identify');
    const sessionId = this.#ulid(this.#d.clock.now());
    this.#d.sessions.open(sessionId, identity, this.#d.clock.now(), !this.#d.platformOnline(), platformSession);
    this.#awaitingRemoval = false;
    return this.#set({ ...IDLE, state: 'inserting', sessionId, identity, deadlineAt: this.#deadline('insertingS') });
  }

  /** The member login code to show while identifying (from the platform); ignored in other states. */
  showQr(qr: DepositState['qr']): void {
    if (this.#state.state !== 'identifying') return;
    const shown = this.#state.qr;
    if (shown?.content === qr?.content && shown?.expiresAt === qr?.expiresAt) return; // nothing new to draw
    this.#set({ ...this.#state, qr });
  }

  /** A member confirmed by the platform (QR claim). */
  identifyMember(member: { memberId: string; name?: string }, platformSession: string | null = null): DepositState {
    const { state } = this.#state;
    if (state !== 'identifying')
      throw new AppFailure('INVALID_STATE', `a member is identified only while identifying (now ${state})`);
    return this.identify({ kind: 'member', ...member }, platformSession);
  }

  /** Records one verdict as an accepted or rejected item; throws (writing nothing) on bad input. */
  async acceptVerdict(input: ItemVerdict, frame: { imagePath?: string } = {}): Promise<ItemResult> {
    const parsed = ItemVerdictSchema.safeParse(input);
    if (!parsed.success) throw new AppFailure('BAD_REQUEST', `invalid verdict: ${parsed.error.issues[0]?.message}`);
    // A weight from the chamber scale counts when the verdict brings none.
    const verdict = { ...parsed.data, weightG: parsed.data.weightG ?? this.#d.hardware.weightG() ?? undefined };
    const { sessionId, state } = this.#state;
    if (state !== 'inserting' || !sessionId)
      throw new AppFailure('INVALID_STATE', `no open session takes items (state ${state})`);
    if (this.#awaitingRemoval) throw new AppFailure('INVALID_STATE', 'the previous item has not left the chamber yet');
    if (verdict.accepted && (!verdict.material || !this.#d.deposit.materials[verdict.material])) {
      throw new AppFailure('BAD_REQUEST', `unknown material "${verdict.material}": price it in deposit.materials`);
    }
    const { reason, points: price } = priceItem(verdict, {
      deposit: this.#d.deposit,
      online: this.#d.platformOnline(),
      sessionPoints: this.#state.totalPoints,
      pointsToday: () => this.#d.sessions.pointsSince(startOfDay(this.#d.clock.now())),
    });
    const accepted = reason === null;
    const points = accepted ? price : 0;
    const itemId = this.#ulid(this.#d.clock.now());
    const item = {
      id: itemId,
      sessionId,
      accepted,
      className: verdict.className,
      material: verdict.material,
      confidence: verdict.confidence,
      reason,
      points,
      barcode: verdict.barcode ?? null,
      weightG: verdict.weightG ?? null,
      at: this.#d.clock.now(),
      imagePath: frame.imagePath ?? null,
      box: verdict.box,
      ...(verdict.mask ? { mask: verdict.mask } : {}),
    };
    this.#awaitingRemoval = true;
    // An accepted item earns its points only once the controller confirms it went in; until then it is
    // held (committed), so neither a refusal nor a restart in between loses or doubles the credit.
    const taken = accepted ? await this.#takeIn(item) : null;
    const seq = taken ? taken.seq : this.#storing(() => this.#d.sessions.addItem(item));
    const credited = accepted && !taken?.refusal;
    // Committed: only now may the customer be told.
    const result: ItemResult = {
      itemId,
      sessionId,
      seq,
      accepted: credited,
      className: verdict.className,
      material: verdict.material,
      points: credited ? points : 0,
      reason: taken?.refusal ?? reason,
    };
    const s = this.#state;
    this.#set({
      ...s,
      acceptedCount: s.acceptedCount + (credited ? 1 : 0),
      rejectedCount: s.rejectedCount + (credited ? 0 : 1),
      totalPoints: s.totalPoints + result.points,
      lastItem: result,
      deadlineAt: s.state === 'inserting' ? this.#deadline('insertingS') : s.deadlineAt,
    });
    this.#d.hub.publish('deposit.item', result);
    if (!credited) await this.#handBack();
    else if (this.#d.hardware.binLevelPercent() >= this.#d.binFullPercent) this.setOutOfService('bin', 'bin full');
    this.#finishDeferred();
    return result;
  }

  /**
   * Holds the item, asks the controller to take it in, and settles it: credited when the controller
   * confirms, rejected ('not_taken', handed back) when it refuses or does not answer. A session end
   * asked for meanwhile (timeout, finish, out of service) waits for the answer.
   */
  async #takeIn(item: NewItem): Promise<{ seq: number; refusal: RejectReason | null }> {
    this.#storing(() => this.#d.sessions.holdItem(item));
    this.#moving = true;
    let refusal: RejectReason | null = null;
    try {
      await this.#d.hardware.acceptItem();
    } catch (error) {
      this.#log.error(`the controller did not take item ${item.id} in; no credit, handed back`, error);
      refusal = 'not_taken';
    }
    try {
      return { seq: this.#storing(() => this.#d.sessions.settleItem(item.id, refusal)), refusal };
    } finally {
      this.#moving = false;
      if (this.#state.state !== 'inserting') this.#finishAfterMove = undefined;
    }
  }

  /**
   * A rejected item goes back to the customer. A faulted controller is not asked (it would refuse or
   * stay silent, and the customer would wait): the out-of-service screen asks them to take it back.
   */
  async #handBack(): Promise<void> {
    if (!this.#d.hardware.health().ok) return;
    try {
      await this.#d.hardware.returnItem();
    } catch (error) {
      this.#log.error('the controller did not hand the item back', error);
    }
  }

  /** A session end asked for while the controller was moving an item. */
  #finishDeferred(): void {
    const reason = this.#finishAfterMove;
    this.#finishAfterMove = undefined;
    if (reason && this.#state.state === 'inserting') this.finish(reason);
  }

  /** The vision presence gate saw an empty chamber: the next item may count. */
  chamberCleared(): void {
    this.#awaitingRemoval = false;
  }

  finish(reason = 'finished'): DepositState {
    const { state, sessionId, identity } = this.#state;
    if (state === 'identifying') return this.#set(this.#idleOrOutOfService());
    this.#require(['inserting'], 'finish');
    if (this.#moving) {
      // The item in the chamber is settled first (credited or handed back), then the session closes.
      this.#finishAfterMove ??= reason;
      return this.#state;
    }
    this.#set({ ...this.#state, state: 'closing', deadlineAt: null });
    let receipt;
    try {
      receipt = this.#commitClose(sessionId!, identity!, reason);
    } catch (error) {
      if (!isStorageError(error)) throw error;
      // Every item already committed stays; the close is written as soon as the disk allows.
      this.#storageFull(error as Error, { sessionId: sessionId!, identity: identity!, reason });
      return this.#state;
    }
    return this.#set({ ...this.#state, state: 'receipt', receipt, deadlineAt: this.#deadline('receiptS') });
  }

  /** Cancel keeps every credit already committed: it only ends the session early. */
  cancel(): DepositState {
    if (this.#state.state === 'identifying') return this.#set(this.#idleOrOutOfService());
    return this.finish('cancelled');
  }

  done(): DepositState {
    this.#require(['receipt'], 'leave the receipt');
    return this.#set(this.#idleOrOutOfService());
  }

  /** Adds (reason) or clears (null) one out-of-service cause; an open session is closed first. */
  setOutOfService(code: OutOfServiceCode, detail: string | null): void {
    if (detail === null) this.#outOfService.delete(code);
    else if (this.#outOfService.get(code) === detail) return;
    else this.#outOfService.set(code, detail);
    const { state } = this.#state;
    if (state === 'inserting' && detail !== null) this.finish('out_of_service');
    else if ((state === 'idle' || state === 'identifying' || state === 'out_of_service') && this.#reasons().length) {
      this.#set({ ...IDLE, state: 'out_of_service', outOfService: this.#reasons() });
    } else if (state === 'out_of_service') this.#set(IDLE);
    else this.#set({ ...this.#state, outOfService: this.#reasons() });
  }

  /** Whether deposits cannot be saved now (disk full, or below deposit.minFreeMb). */
  storageFull(): boolean {
    return this.#outOfService.has('storage');
  }

  stop(): void {
    this.#cancelTimer?.();
    this.#storage.stop();
  }

  /** Runs a store write; a full or failing disk puts the machine out of service (and is thrown on). */
  #storing<T>(write: () => T): T {
    try {
      return write();
    } catch (error) {
      if (isStorageError(error)) {
        const { state, sessionId, identity } = this.#state;
        const open = state === 'inserting' && sessionId && identity;
        this.#storageFull(error as Error, open ? { sessionId, identity, reason: 'storage_full' } : undefined);
        throw new AppFailure('OUT_OF_SERVICE', 'storage full: the item was not counted; the machine is out of service');
      }
      throw error;
    }
  }

  /**
   * Disk full (or failing), or below deposit.minFreeMb: out of service with a plain reason; an open
   * session is closed with every committed credit as soon as a write succeeds, and the machine
   * returns by itself.
   */
  #storageFull(error?: Error, unclosed?: UnclosedSession): void {
    if (error) this.#log.error(`storage full: ${error.message}; out of service until the data folder has room again`);
    this.#outOfService.set('storage', 'storage full: the machine cannot save deposits');
    this.#set({ ...IDLE, state: 'out_of_service', outOfService: this.#reasons() });
    this.#storage.begin(unclosed);
  }

  #commitClose(sessionId: string, identity: Identity, reason: string) {
    const at = this.#d.clock.now();
    const issue = this.#d.issueVoucher;
    const voucher = identity.kind === 'voucher' && issue ? (points: number) => issue(points, at) : null;
    const { session, voucher: issued } = this.#d.sessions.close({ sessionId, reason, at, voucher });
    return {
      sessionId,
      identity,
      acceptedCount: session.acceptedCount,
      totalPoints: session.totalPoints,
      value: this.#d.moneyOf?.(session.totalPoints) ?? null,
      voucher: issued && { id: issued.id, payload: issued.payload, number: issued.number, expiresAt: issued.expiresAt },
      // The receipt's "offline: sent once connected" line: only for a platform that is not answering now.
      willSync: this.#d.platformLinked === true && !this.#d.platformOnline(),
    };
  }

  #require(states: DepositState['state'][], action: string): void {
    if (this.#state.state === 'out_of_service')
      throw new AppFailure(
        'OUT_OF_SERVICE',
        `cannot ${action}: ${this.#reasons()
          .map((r) => r.detail)
          .join(', ')}`,
      );
    if (!states.includes(this.#state.state))
      throw new AppFailure('INVALID_STATE', `cannot ${action} while ${this.#state.state}`);
  }

  #idleOrOutOfService(): DepositState {
    return this.#reasons().length ? { ...IDLE, state: 'out_of_service', outOfService: this.#reasons() } : IDLE;
  }

  #reasons(): OutOfServiceReason[] {
    return [...this.#outOfService].map(([code, detail]) => ({ code, detail }));
  }

  #deadline(key: keyof Config['deposit']['timeouts']): number {
    return this.#d.clock.now() + this.#d.deposit.timeouts[key] * 1000;
  }

  /** Publishes the new state and (re)arms the timeout of the state it is in. */
  #set(next: DepositState): DepositState {
    this.#state = { ...next, outOfService: next.state === 'out_of_service' ? next.outOfService : this.#reasons() };
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    if (next.deadlineAt !== null) {
      this.#cancelTimer = this.#d.clock.after(Math.max(0, next.deadlineAt - this.#d.clock.now()), () =>
        this.#timeout(),
      );
    }
    this.#d.hub.publish('deposit.session', this.#state);
    return this.#state;
  }

  #timeout(): void {
    const { state } = this.#state;
    if (state === 'identifying') this.#set(this.#idleOrOutOfService());
    else if (state === 'inserting') this.finish('timeout');
    else if (state === 'receipt') this.#set(this.#idleOrOutOfService());
  }
}
