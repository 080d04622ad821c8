import { rm } from 'node:fs/promises';
import type { LinkStatus } from '../../src-preload/contract';
import { machineTimeZone } from '../config/config.schema';
import type { Handlers } from '../kernel/contract-types';
import type { HealthProbe } from '../kernel/health.service';
import { AppFailure } from '../kernel/router';
import type { Logger } from '../log/logger';
import type { OutboxJob } from '../store/outbox.repo';
import { createProfile } from './create-profile';
import { GuestSessions } from './guest-sessions';
import { healthSnapshot } from './health-snapshot';
import { commandRunner, deliveryContext, type PlatformModuleDeps } from './link-parts';
import { LinkState } from './link-state';
import { LiveEvents, type LiveEventName } from './live-events';
import { componentNames, hardwareComponents } from './machine-components';
import { machineAddresses } from './network-address';
import { OutboxWorker } from './outbox.worker';
import { PlatformError } from './platform-error';
import { Upkeep } from './platform-upkeep';
import type { CommandResult, DeliveryContext, PlatformProfile, TechnicianCommand } from './profile';
import { QrLogin } from './qr-login';
import type { CommandRunner } from './v1-commands';

export type { PlatformModuleDeps } from './link-parts';

/**
 * The MyRVM link: the profile for the configured server generation, the connection status, the
 * heartbeat and its commands, the upkeep and the outbox worker. With `platform.profile = none`, or
 * credentials that cannot be read, the kiosk keeps working offline and every deposit waits in the outbox.
 */
export class PlatformModule {
  readonly profile: PlatformProfile | undefined;
  readonly worker: OutboxWorker | undefined;
  readonly #d: PlatformModuleDeps;
  readonly #log: Logger;
  readonly #timezone: string;
  readonly #link: LinkState;
  #setupError: string | null = null;
  #stopTimer: (() => void) | undefined;
  #connecting: Promise<void> | undefined;
  #lastPublished = '';
  #depositsSinceStart = 0;
  #liveEventsHandled = 0;
  readonly #unsubscribe: Array<() => void> = [];
  #started = false;
  #bearerWarned = false;
  readonly #qr: QrLogin | undefined;
  #live: LiveEvents | undefined;
  readonly #commands: CommandRunner | undefined;
  readonly #upkeep: Upkeep | undefined;
  readonly #guests: GuestSessions | undefined;
  readonly #context: DeliveryContext;

  constructor(deps: PlatformModuleDeps) {
    this.#d = deps;
    this.#log = deps.logger.scope('platform');
    this.#context = deliveryContext({
      deps,
      running: () => this.#started,
      platformSession: async (id) => (await this.#guests?.ref(deps.sessions?.get(id))) ?? null,
    });
    const p = deps.config.platform;
    this.#timezone = machineTimeZone(deps.config);
    this.#link = new LinkState({ profile: p.profile, setupError: () => this.#setupError, clock: deps.clock });
    if (p.profile === 'none') return;
    const addresses = deps.addresses ?? (() => machineAddresses());
    const components = deps.hardware ? hardwareComponents(deps.hardware) : undefined;
    let profile: PlatformProfile;
    try {
      profile = createProfile({
        config: deps.config,
        dataDir: deps.dataDir,
        appVersion: deps.appVersion,
        now: () => deps.clock.now(),
        onOutcome: (error) => this.#onOutcome(error),
        addresses,
        ...(components ? { components: () => componentNames(components) } : {}),
        ...(deps.modelVersion ? { modelVersion: deps.modelVersion } : {}),
        log: (message) => this.#log.warn(message),
      });
    } catch (error) {
      this.#setupError = (error as Error).message;
      this.#log.error(`platform link disabled: ${this.#setupError}`);
      return;
    }
    this.profile = profile;
    this.#commands = commandRunner(profile, deps, components, this.#log);
    this.#upkeep = new Upkeep({
      profile,
      config: deps.config,
      dataDir: deps.dataDir,
      clock: deps.clock,
      log: this.#log,
      timezone: this.#timezone,
      addresses,
      commands: this.#commands,
    });
    this.#guests = new GuestSessions({ kv: deps.settings, open: profile.openGuestSession, log: this.#log });
    const target = deps.qrTarget;
    if (target) {
      const shows = deps.showsQr;
      this.#qr = new QrLogin({
        profile,
        target: shows ? { ...target, identifying: () => target.identifying() && shows() } : target,
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
        onAuthRefused: (error) => this.#onAuthRefused(error),
        onQuarantined: () => this.#publish(),
      });
    }
  }

  /** Whether the platform answered lately: deposits made while it does not are capped (offline caps). */
  online(): boolean {
    // On every item's path: the link alone, without counting the outbox.
    return this.#link.state().state === 'online';
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
        // Commands waiting for the customer: after this event has reached every listener (a command
        // changes the deposit state, and screens must see the changes in order).
        queueMicrotask(() => this.#commands?.poke());
      }),
      this.#d.hub.subscribe('maintenance.changed', (payload) => {
        if (!(payload as { open: boolean }).open) this.#commands?.technicianLeft();
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
    return this.#link.failures;
  }

  /** Whether the platform's operator holds the machine in maintenance (v1 dev line). */
  get operatorMaintenance(): boolean {
    return this.#commands?.inMaintenance ?? false;
  }

  /** Platform commands waiting for the customer to finish (diagnostics; tests wait on it). */
  get commandsWaiting(): number {
    return this.#commands?.waiting ?? 0;
  }

  /** The identify screen started or stopped showing the member code (see `showsQr`). */
  qrShownChanged(): void {
    this.#qr?.update();
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
    return { profile, ...this.#link.state(), lastSuccessAt: this.#link.lastSuccessAt, backlog, live };
  }

  readonly handlers: Handlers['platform'] = {
    status: () => this.status(),
    technicianCommand: ({ command }, ctx) => {
      const assignmentId = this.#d.assignmentOf?.(ctx.client);
      if (assignmentId === undefined) {
        throw new AppFailure(
          'FORBIDDEN',
          'commands go through the platform under your assignment: sign in with your platform PIN (not a local one)',
        );
      }
      return this.technicianCommand({ command, assignmentId }, ctx.technician ?? '(unknown)');
    },
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
      if (!this.profile?.syncTimezone || !this.#upkeep) {
        throw new AppFailure('BAD_REQUEST', 'timezone sync is a v2 platform feature (platform.profile = v2)');
      }
      try {
        return { timezone: this.#timezone, syncedAt: await this.#upkeep.syncTimezone('manual') };
      } catch (error) {
        throw new AppFailure('UNAVAILABLE', `timezone sync failed: ${(error as Error).message}`);
      }
    },
  };

  /**
   * A technician's command (v1): posted to the platform's /kiosk/maintenance/command, which records it
   * and does not relay it to the machine, then carried out here after its 200. Refused by the
   * platform (403: no full access): not carried out.
   */
  async technicianCommand(command: TechnicianCommand, technician: string): Promise<CommandResult> {
    const post = this.profile?.postTechnicianCommand;
    if (!post || !this.#commands) {
      throw new AppFailure('BAD_REQUEST', 'technician commands go through a v1 platform (platform.profile = v1)');
    }
    let requestId: string;
    try {
      requestId = await post(command);
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      const result = this.#commands.refusedTechnician(command.command, technician, error.message);
      throw new AppFailure(error.status === 403 ? 'FORBIDDEN' : 'UNAVAILABLE', result.detail);
    }
    return this.#commands.runTechnician(command.command, technician, requestId);
  }

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

  /** Handshake/login when not connected, else heartbeat (with command results) and upkeep; then again. */
  async #tick(): Promise<void> {
    const profile = this.profile!;
    try {
      if (!profile.connected) await this.#connect();
      else {
        const commands = this.#commands!;
        const extras = commands.extras();
        const health = healthSnapshot({ ...this.#d, depositsSinceStart: () => this.#depositsSinceStart });
        const received = await profile.heartbeat(health, extras);
        commands.reported(extras);
        commands.take(received);
        await this.#upkeep!.afterHeartbeat();
      }
    } catch (error) {
      if (error instanceof PlatformError && error.status === 403 && profile.connected) {
        this.#log.warn(`heartbeat refused (${error.message}); deposits still flow, retrying`);
      } else this.#log.warn(`platform: ${(error as Error).message}`);
    }
    if (!this.#started) return; // stopped meanwhile: the store may be closed
    this.#publish();
    const p = this.#d.config.platform;
    const everyS = Math.min(p.heartbeatS, profile.maxHeartbeatS ?? Infinity);
    // Not connected: retry sooner (but not in a tight loop).
    const wait = profile.connected ? everyS * 1000 : Math.min(everyS * 1000, 5000);
    this.#stopTimer = this.#d.clock.after(wait, () => void this.#tick());
  }

  #connect(): Promise<void> {
    this.#connecting ??= this.profile!.connect()
      .then(() => {
        this.#link.authRefused = false;
        this.#log.info(`connected to ${this.#d.config.platform.baseUrl} (${this.profile!.name})`);
        const profile = this.profile!;
        this.worker?.resume();
        this.#startLive();
        if (profile.modelTarget) this.#d.onModelTarget?.(profile.modelTarget);
        this.#upkeep?.afterConnect();
      })
      .finally(() => {
        this.#connecting = undefined;
      });
    return this.#connecting;
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

  /** A delivery's 401/403: the machine's credentials, unless only that endpoint wants another one. */
  #onAuthRefused(error: PlatformError): void {
    if (error.details.authScope !== 'endpoint') {
      this.#link.authRefused = true;
      return;
    }
    if (!this.#bearerWarned) this.#log.warn(error.message);
    this.#bearerWarned = true;
  }

  #onOutcome(error: PlatformError | null): void {
    if (!this.#started) return;
    if (this.#link.outcome(error)) {
      // Back from an outage: whatever backed off is due now.
      const due = this.#d.outbox?.dueNow(this.#d.clock.now()) ?? 0;
      if (due) this.#log.info(`platform reachable again: ${due} waiting deliveries are due`);
      this.worker?.kick();
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
    // Delivered: the item's frame is on the platform now; a session's guest reference is done with.
    if (job.kind === 'deposit.item' && job.payload.imagePath) await rm(job.payload.imagePath, { force: true });
    if (job.kind === 'deposit.session') this.#guests?.forget(job.payload.id);
  }
}
