import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import sharp from 'sharp';
import type { LinkStatus } from '../../src-preload/contract';
import type { Config } from '../config/config.schema';
import type { Clock } from '../kernel/clock';
import type { Handlers } from '../kernel/contract-types';
import type { EventHub } from '../kernel/event-hub';
import type { HealthProbe } from '../kernel/health.service';
import { AppFailure } from '../kernel/router';
import type { Logger } from '../log/logger';
import type { OutboxJob, OutboxRepo } from '../store/outbox.repo';
import type { SessionRepo } from '../store/session.repo';
import { createProfile } from './create-profile';
import { registerEngine } from './engine-registration';
import { healthSnapshot, type HealthSources } from './health-snapshot';
import { OutboxWorker } from './outbox.worker';
import { LiveEvents, type LiveEventName } from './live-events';
import { PlatformError } from './platform-error';
import { QrLogin, type QrTarget } from './qr-login';
import type { DeliveryContext, ModelTarget, PlatformCommand, PlatformProfile } from './profile';

export interface PlatformModuleDeps extends Omit<HealthSources, 'depositsSinceStart'> {
  readonly config: Config;
  readonly dataDir: string;
  readonly outbox: OutboxRepo | undefined;
  readonly sessions: SessionRepo | undefined;
  readonly hub: EventHub;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The platform named a model to run at connect (a profile with `modelTarget`: v1's ai_model). */
  readonly onModelTarget?: (target: ModelTarget) => void;
  /** The platform asked for an orderly restart (v1 RESTART). */
  readonly onRestart?: () => void;
  /** The deposit flow, for the member QR login (absent with a broken store). */
  readonly qrTarget?: QrTarget | undefined;
}

/** A link that has not answered for this long counts as offline even between failures. */
const STALE_MS = 120_000;
/** Timezone sync (a profile that can): at connect and then daily. */
const TIMEZONE_SYNC_MS = 24 * 3600_000;

/**
 * The MyRVM link: the profile for the configured server generation, the connection status, the
 * heartbeat and the outbox worker. With `platform.profile = none`, or credentials that cannot be read,
 * the kiosk keeps working offline and every deposit waits in the outbox.
 */
export class PlatformModule {
  readonly profile: PlatformProfile | undefined;
  readonly worker: OutboxWorker | undefined;
  readonly #d: PlatformModuleDeps;
  readonly #log: Logger;
  #setupError: string | null = null;
  #lastSuccessAt: number | null = null;
  #failures = 0;
  #lastFailure: PlatformError | null = null;
  #authRefused = false;
  #stopTimer: (() => void) | undefined;
  #connecting: Promise<void> | undefined;
  #lastPublished = '';
  #depositsSinceStart = 0;
  #liveEventsHandled = 0;
  readonly #unsubscribe: Array<() => void> = [];
  #standIn: Promise<Uint8Array> | undefined;
  #started = false;
  readonly #qr: QrLogin | undefined;
  #live: LiveEvents | undefined;
  #timezoneSyncedAt: number | null = null;

  constructor(deps: PlatformModuleDeps) {
    this.#d = deps;
    this.#log = deps.logger.scope('platform');
    const p = deps.config.platform;
    if (p.profile === 'none') return;
    let profile: PlatformProfile;
    try {
      profile = createProfile({
        config: deps.config,
        dataDir: deps.dataDir,
        appVersion: deps.appVersion,
        now: () => deps.clock.now(),
        onOutcome: (error) => this.#onOutcome(error),
      });
    } catch (error) {
      this.#setupError = (error as Error).message;
      this.#log.error(`platform link disabled: ${this.#setupError}`);
      return;
    }
    this.profile = profile;
    if (deps.qrTarget) {
      this.#qr = new QrLogin({
        profile,
        target: deps.qrTarget,
        clock: deps.clock,
        logger: this.#log,
        pollMs: p.pollMs,
      });
    }
    if (deps.outbox) {
      this.worker = new OutboxWorker({
        outbox: deps.outbox,
        deliver: (job) => this.#deliver(job),
        clock: deps.clock,
        logger: this.#log,
        concurrency: p.concurrency,
        backoff: p.backoff,
        onAuthRefused: () => {
          this.#authRefused = true;
        },
        onQuarantined: () => this.#publish(),
      });
    }
  }

  /** Whether the platform answered lately: deposits made while it does not are capped (offline caps). */
  online(): boolean {
    // On every item's path: the link alone, without counting the outbox.
    return this.#link().state === 'online';
  }

  start(): void {
    if (this.#started || !this.profile) return;
    this.#started = true;
    // A committed item or session goes to the outbox worker at once, not at its next poll.
    this.#unsubscribe.push(
      this.#d.hub.subscribe('deposit.item', () => {
        this.#depositsSinceStart++;
        this.worker?.kick();
      }),
      this.#d.hub.subscribe('deposit.session', () => {
        this.worker?.kick();
        this.#qr?.update();
      }),
    );
    this.worker?.start();
    this.worker?.pause(); // until the first handshake/login
    void this.#tick();
  }

  stop(): void {
    this.#started = false;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#stopTimer?.();
    this.#qr?.stop();
    this.#live?.stop();
    this.worker?.stop();
  }

  /** Failed exchanges with the platform since start (the monitor's error-rate rule). */
  get failures(): number {
    return this.#failures;
  }

  status(): LinkStatus {
    const stats = this.#d.outbox?.stats();
    const pending = stats ? [stats.pending, stats.in_flight] : [];
    const oldest = pending.map((s) => s.oldestCreatedAt).filter((v): v is number => v !== null);
    const backlog = {
      count: pending.reduce((n, s) => n + s.count, 0),
      oldestAt: oldest.length ? Math.min(...oldest) : null,
      quarantined: stats?.quarantined.count ?? 0,
    };
    const profile = this.#d.config.platform.profile;
    const live = this.#live?.subscribed ?? false;
    return { profile, ...this.#link(), lastSuccessAt: this.#lastSuccessAt, backlog, live };
  }

  /** The link's state and why, from the last exchanges. */
  #link(): Pick<LinkStatus, 'state' | 'lastError'> {
    if (this.#d.config.platform.profile === 'none') return { state: 'disabled', lastError: null };
    if (this.#setupError) return { state: 'degraded', lastError: this.#setupError };
    const now = this.#d.clock.now();
    const fresh = this.#lastSuccessAt !== null && now - this.#lastSuccessAt < STALE_MS;
    const failure = this.#lastFailure;
    if (!failure && fresh && !this.#authRefused) return { state: 'online', lastError: null };
    const answered = failure && !(failure.kind === 'network' || failure.kind === 'timeout');
    return {
      state: answered || (fresh && !failure) ? 'degraded' : 'offline',
      lastError:
        failure?.message ?? (this.#authRefused ? 'the platform refused the machine credentials' : 'not connected yet'),
    };
  }

  readonly handlers: Handlers['platform'] = {
    status: () => this.status(),
    quarantine: () =>
      (this.#d.outbox?.list('quarantined') ?? []).map((job) => ({
        id: job.id,
        kind: job.kind,
        sessionId: job.orderingKey,
        createdAt: job.createdAt,
        attempts: job.attempts,
        lastError: job.lastError,
      })),
    retry: ({ id }, ctx) => this.#resolve(id, { action: 'retry', actor: ctx.technician ?? '(unknown)' }),
    discard: ({ id, reason }, ctx) =>
      this.#resolve(id, { action: 'discard', actor: ctx.technician ?? '(unknown)', reason }),
    syncTimezone: async () => {
      const sync = this.profile?.syncTimezone;
      if (!sync) {
        throw new AppFailure('BAD_REQUEST', 'timezone sync is a v2 platform feature (platform.profile = v2)');
      }
      try {
        await sync('manual');
      } catch (error) {
        throw new AppFailure('UNAVAILABLE', `timezone sync failed: ${(error as Error).message}`);
      }
      this.#timezoneSyncedAt = this.#d.clock.now();
      return { timezone: this.#d.config.platform.v2.timezone, syncedAt: this.#timezoneSyncedAt };
    },
  };

  #resolve(id: number, decision: { action: 'retry' | 'discard'; actor: string; reason?: string }): LinkStatus {
    const outbox = this.#d.outbox;
    if (!outbox) throw new AppFailure('OUT_OF_SERVICE', 'the local store is unavailable');
    if (!outbox.resolveQuarantined(id, decision, this.#d.clock.now())) {
      throw new AppFailure('INVALID_STATE', `delivery ${id} is not quarantined (already handled?)`);
    }
    this.#log.warn(
      `delivery ${id} ${decision.action === 'retry' ? 'sent again' : 'discarded'} by ${decision.actor}${decision.reason ? `: ${decision.reason}` : ''}`,
    );
    // Retried: due now. Discarded: the jobs queued behind it in its session are free to go now.
    this.worker?.kick();
    this.#publish();
    return this.status();
  }

  readonly probe: HealthProbe = () => {
    const s = this.status();
    if (s.state === 'disabled') return { status: 'ok', detail: 'no platform configured (offline machine)' };
    const backlog = s.backlog.count ? `, ${s.backlog.count} to deliver` : '';
    return s.state === 'online'
      ? { status: 'ok', detail: `${s.profile} online${backlog}` }
      : { status: 'degraded', detail: `${s.profile} ${s.state}: ${s.lastError ?? ''}${backlog}` };
  };

  /** Handshake/login when not connected, else heartbeat; then again after heartbeatS. */
  async #tick(): Promise<void> {
    const profile = this.profile!;
    try {
      if (!profile.connected) await this.#connect();
      else {
        this.#handle(
          await profile.heartbeat(healthSnapshot({ ...this.#d, depositsSinceStart: () => this.#depositsSinceStart })),
        );
        await this.#dailyTimezoneSync();
      }
    } catch (error) {
      if (error instanceof PlatformError && error.status === 403 && profile.connected) {
        this.#log.warn(`heartbeat refused (${error.message}); deposits still flow, retrying`);
      } else this.#log.warn(`platform: ${(error as Error).message}`);
    }
    if (!this.#started) return; // stopped meanwhile: the store may be closed
    this.#publish();
    const p = this.#d.config.platform;
    // Not connected: retry sooner (but not in a tight loop).
    const wait = profile.connected ? p.heartbeatS * 1000 : Math.min(p.heartbeatS * 1000, 5000);
    this.#stopTimer = this.#d.clock.after(wait, () => void this.#tick());
  }

  #connect(): Promise<void> {
    this.#connecting ??= this.profile!.connect()
      .then(() => {
        this.#authRefused = false;
        this.#log.info(`connected to ${this.#d.config.platform.baseUrl} (${this.profile!.name})`);
        const profile = this.profile!;
        if (profile.syncTimezone) this.#timezoneSyncedAt = this.#d.clock.now(); // part of connect
        this.worker?.resume();
        this.#startLive();
        if (profile.modelTarget) this.#d.onModelTarget?.(profile.modelTarget);
        if (profile.registerEngine) {
          const { config, dataDir } = this.#d;
          void registerEngine({ register: profile.registerEngine, config, dataDir, log: this.#log });
        }
      })
      .finally(() => {
        this.#connecting = undefined;
      });
    return this.#connecting;
  }

  async #dailyTimezoneSync(): Promise<void> {
    const sync = this.profile?.syncTimezone;
    if (!sync || this.#timezoneSyncedAt === null) return;
    if (this.#d.clock.now() - this.#timezoneSyncedAt < TIMEZONE_SYNC_MS) return;
    await sync('automatic');
    this.#timezoneSyncedAt = this.#d.clock.now();
  }

  /** Live events, once the channel is known (v1: from the handshake) and a key is configured. */
  #startLive(): void {
    if (this.#live || !this.#started) return;
    const channel = this.profile?.live();
    const { key, url } = this.#d.config.platform.live;
    if (!channel || !key) {
      this.#log.info(
        `live events off (${!key ? 'no platform.live.key' : 'no socket address'}): QR claims are polled every ${this.#d.config.platform.pollMs} ms`,
      );
      return;
    }
    try {
      this.#live = new LiveEvents({
        channel: { ...channel, url: url || channel.url },
        key,
        logger: this.#log,
        onEvent: (name, data) => this.#onLiveEvent(name, data),
        onState: () => this.#publish(),
      });
      this.#live.start();
    } catch (error) {
      this.#log.warn(`live events off: ${(error as Error).message}`);
    }
  }

  #onLiveEvent(name: LiveEventName, data: unknown): void {
    // Only a trigger: the claim itself is confirmed by the status call.
    if (name === 'session.authorized') this.#qr?.nudge();
    else this.#log.debug(`live ${name}: ${JSON.stringify(data).slice(0, 200)}`);
    this.#liveEventsHandled++;
  }

  /** Live events handled since start (diagnostics; tests wait on it instead of sleeping). */
  get liveEventsHandled(): number {
    return this.#liveEventsHandled;
  }

  #handle(commands: PlatformCommand[]): void {
    for (const command of commands) {
      if (command.action === 'RESTART') {
        this.#log.warn('the platform asked for a restart');
        this.#d.onRestart?.();
      } else this.#log.warn(`platform command ${command.action} is not supported by this kiosk; ignored`);
    }
  }

  #onOutcome(error: PlatformError | null): void {
    if (!this.#started) return;
    const wasOnline = this.#lastFailure === null && this.#lastSuccessAt !== null;
    if (error) {
      this.#lastFailure = error;
      this.#failures++;
    } else {
      this.#lastFailure = null;
      this.#lastSuccessAt = this.#d.clock.now();
      if (!wasOnline) {
        // Back from an outage: whatever backed off is due now.
        const due = this.#d.outbox?.dueNow(this.#d.clock.now()) ?? 0;
        if (due) this.#log.info(`platform reachable again: ${due} waiting deliveries are due`);
        this.worker?.kick();
      }
    }
    this.#publish();
  }

  #publish(): void {
    const s = this.status();
    const key = JSON.stringify([s.state, s.backlog.count, s.backlog.quarantined, s.lastError, s.live]);
    if (key === this.#lastPublished) return;
    this.#lastPublished = key;
    this.#d.hub.publish('platform.changed', s);
  }

  async #deliver(job: OutboxJob): Promise<void> {
    if (!this.profile?.connected) {
      await this.#connect();
    }
    await this.profile!.deliver(job, this.#context);
    // Delivered: the item's frame is on the platform now.
    if (job.kind === 'deposit.item' && job.payload.imagePath) await rm(job.payload.imagePath, { force: true });
  }

  readonly #context: DeliveryContext = {
    session: (id) => this.#d.sessions?.get(id),
    acceptedItems: (id) => this.#d.sessions?.acceptedItems(id) ?? [],
    saveProgress: (job, progress) => {
      // Stopping (the store may be closed): abandon the delivery; the next start resumes it.
      if (!this.#started) throw new Error('the kiosk is stopping');
      this.#d.outbox?.saveProgress(job.id, progress, this.#d.clock.now());
    },
    image: async (path) => {
      if (path && existsSync(path)) return readFile(path);
      // No frame (simulated hardware, a frame lost to a crash): a plain grey stand-in, labelled by size.
      this.#standIn ??= sharp({ create: { width: 64, height: 64, channels: 3, background: '#727272' } })
        .jpeg()
        .toBuffer();
      return this.#standIn;
    },
  };
}
