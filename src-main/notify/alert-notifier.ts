import type { Alert } from '../../src-preload/contract';
import type { Config } from '../config/config.schema';
import type { Clock } from '../kernel/clock';
import { localIso } from '../kernel/local-time';
import type { Logger } from '../log/logger';
import type { NotificationChannel, NotificationRepo } from '../store/notification.repo';
import { emailSender, webhookSender, type AlertMessage, type Send } from './channels';

const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 30 * 60_000;
/** A notification not delivered within this is given up (logged): the alert is long on the dashboard. */
const GIVE_UP_MS = 3 * 24 * 3600_000;
/** While nothing is due, look again at least this often (a clock jump, a row from another process). */
const IDLE_CHECK_MS = 60_000;

export type AlertChange = 'fired' | 'resolved' | 'test';

export interface AlertNotifierDeps {
  readonly config: Pick<Config, 'machine' | 'monitor'>;
  readonly timeZone: string;
  readonly repo: NotificationRepo;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Tests give their own senders. */
  readonly senders?: Partial<Record<NotificationChannel, Send>>;
}

/**
 * Alert notifications that arrive when they matter: each alert transition is written to the store per
 * channel (webhook, e-mail) before any attempt, sent once, and retried with back-off (30 s doubling to
 * 30 min) across outages and restarts. The platform heartbeat carries active alerts as well.
 */
export class AlertNotifier {
  readonly #d: AlertNotifierDeps;
  readonly #log: Logger;
  readonly #senders: Partial<Record<NotificationChannel, Send>>;
  #timer: (() => void) | undefined;
  #running = false;
  #closed = false;
  #draining: Promise<void> | undefined;

  constructor(deps: AlertNotifierDeps) {
    this.#d = deps;
    this.#log = deps.logger.scope('notify');
    const { alerts } = deps.config.monitor;
    this.#senders = {
      ...(alerts.webhookUrl ? { webhook: webhookSender(alerts.webhookUrl, alerts.webhookSecret) } : {}),
      ...(alerts.email ? { email: emailSender(alerts.email) } : {}),
      ...deps.senders,
    };
  }

  /** The channels configured (a test alert reports where it went). */
  get channels(): NotificationChannel[] {
    return (Object.keys(this.#senders) as NotificationChannel[]).sort();
  }

  start(): void {
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops sending; a send in progress finishes without touching the store (it closes next). */
  stop(): void {
    this.#running = false;
    this.#closed = true;
    this.#timer?.();
  }

  /** Queues an alert's transition on every channel (once each) and sends what is due. */
  notify(alert: Alert, change: AlertChange): void {
    const at = this.#d.clock.now();
    for (const channel of this.channels) {
      const key = `${alert.id}:${change}`;
      const message = this.#message(alert, change, `${this.#d.config.machine.id}:${channel}:${key}`);
      this.#d.repo.enqueue(channel, key, JSON.stringify(message), at);
    }
    this.#schedule(0);
  }

  /** A link came back (or a technician asked): whatever waits is tried now. */
  retryNow(): void {
    this.#d.repo.allDue(this.#d.clock.now());
    this.#schedule(0);
  }

  /** Resolves when the queue has been worked through once (tests, shutdown). */
  async drain(): Promise<void> {
    await (this.#draining ??= this.#work().finally(() => (this.#draining = undefined)));
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer?.();
    this.#timer = this.#d.clock.after(delayMs, () => {
      this.drain()
        .catch((error: unknown) => this.#log.error('alert notifications not sent', error))
        .finally(() => this.#running && this.#scheduleNext());
    });
  }

  #scheduleNext(): void {
    const next = this.#d.repo.nextDueAt();
    const wait = next === null ? IDLE_CHECK_MS : Math.max(0, next - this.#d.clock.now());
    this.#schedule(Math.min(wait, IDLE_CHECK_MS));
  }

  async #work(): Promise<void> {
    if (this.#closed) return;
    const now = this.#d.clock.now();
    for (const job of this.#d.repo.due(now)) {
      if (this.#closed) return;
      const send = this.#senders[job.channel];
      if (!send) {
        this.#d.repo.expire(job.id, `${job.channel} is no longer configured`);
        continue;
      }
      try {
        await send(JSON.parse(job.payload) as AlertMessage);
        if (this.#closed) return; // sent; the receiver drops the repeat after a restart (X-RVM-Delivery)
        this.#d.repo.markSent(job.id, this.#d.clock.now());
        if (job.attempts > 0) this.#log.info(`alert ${job.key} sent by ${job.channel} after ${job.attempts + 1} tries`);
      } catch (error) {
        if (this.#closed) return;
        const reason = (error as Error).message;
        const at = this.#d.clock.now();
        if (at - job.createdAt > GIVE_UP_MS) {
          this.#d.repo.expire(job.id, reason);
          this.#log.error(`alert ${job.key} not sent by ${job.channel} for 3 days (${reason}); given up`);
          continue;
        }
        const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** job.attempts);
        this.#d.repo.retryAt(job.id, at + delay, reason);
        // The first failure of a notification is worth a line; the retries of an outage are not.
        if (job.attempts === 0) this.#log.warn(`alert ${job.key}: ${reason}; retrying with back-off`);
      }
    }
    this.#d.repo.prune(now - 7 * 24 * 3600_000);
  }

  #message(alert: Alert, change: AlertChange, key: string): AlertMessage {
    const { machine } = this.#d.config;
    const when = localIso(
      change === 'resolved' ? (alert.resolvedAt ?? alert.lastSeenAt) : alert.firedAt,
      this.#d.timeZone,
    );
    const verb = change === 'fired' ? 'ALERT' : change === 'resolved' ? 'RESOLVED' : 'TEST';
    return {
      key,
      body: { machine: machine.name, machineId: machine.id, change, at: when, alert },
      subject: `[${machine.id}] ${verb} ${alert.severity}: ${alert.title}`,
      text: [
        `${machine.name} (${machine.id})`,
        `${verb}: ${alert.title}`,
        `severity ${alert.severity}; rule ${alert.rule}: value ${alert.value} ${alert.op} ${alert.threshold}`,
        `${change === 'resolved' ? 'resolved' : 'fired'} at ${when}`,
      ].join('\n'),
    };
  }
}
