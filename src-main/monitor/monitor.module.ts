import { join } from 'node:path';
import type { Alert, ItemResult, MetricsSample } from '../../src-preload/contract';
import type { Config } from '../config/config.schema';
import type { Clock } from '../kernel/clock';
import type { Handlers } from '../kernel/contract-types';
import type { EventHub } from '../kernel/event-hub';
import { AppFailure } from '../kernel/router';
import type { Logger } from '../log/logger';
import { AlertEngine } from './alert-engine';
import { resolveRules, type AlertRule } from './alert-rules';
import { MetricsStore } from './metrics-history';
import { AppMetricsCollector, type AppMetricSources } from './app-metrics';
import { createPrometheusExporter, type PrometheusExporter } from './prometheus';
import { sampleSystem, type SystemMetrics } from './sampler';

export interface MonitorDeps {
  readonly config: Config;
  readonly dataDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly hub: EventHub;
  /** Where the app's own numbers come from, read at each sample. */
  readonly sources: AppMetricSources;
  /**
   * Set when config.json was invalid and the kiosk runs on the last good copy: what is wrong (naming
   * each bad key). A critical alert says so for as long as it lasts.
   */
  readonly configProblem?: string;
  /** Replaceable for tests and the benchmark. */
  readonly sampleSystem?: (dataDir: string) => Promise<SystemMetrics>;
  /** The alert channels (webhook, e-mail: a durable queue): told of each alert that fires or resolves. */
  readonly notifier?: {
    notify(alert: Alert, change: 'fired' | 'resolved' | 'test'): void;
    readonly channels: readonly string[];
  };
}

/**
 * Samples the machine and the app every monitor.sampleS, keeps 24 h of history, and turns samples
 * into alerts (dashboard, log, webhook; the platform link reads `activeAlerts()` for its heartbeat).
 */
export class MonitorModule {
  readonly store: MetricsStore;
  readonly alerts: AlertEngine;
  readonly #d: MonitorDeps;
  readonly #log: Logger;
  readonly #appMetrics: AppMetricsCollector;
  #exporter: PrometheusExporter | undefined;
  #latest: MetricsSample | null = null;
  #historyFailing = false;
  #stopTimer: (() => void) | undefined;
  #running = false;
  /** Items since start, for the /metrics counters (per reject reason: what a fleet compares). */
  readonly #items = { accepted: 0, rejected: {} as Record<string, number> };
  readonly #stopItems: () => void;

  constructor(deps: MonitorDeps) {
    this.#d = deps;
    this.#log = deps.logger.scope('monitor');
    this.#appMetrics = new AppMetricsCollector(deps.sources);
    this.store = new MetricsStore(join(deps.dataDir, 'monitor.db'), this.#log, deps.config.monitor.sampleS);
    this.alerts = new AlertEngine({
      rules: [...resolveRules(deps.config), ...(deps.configProblem ? [configRule(deps.configProblem)] : [])],
      clock: deps.clock,
      onChange: (alert, change) => this.#announce(alert, change),
    });
    this.#stopItems = deps.hub.subscribe('deposit.item', (payload) => {
      const item = payload as ItemResult;
      const reason = item.reason ?? 'unknown_item';
      if (item.accepted) this.#items.accepted++;
      else this.#items.rejected[reason] = (this.#items.rejected[reason] ?? 0) + 1;
    });
  }

  /** Prometheus text of this kiosk, for the remote server's /metrics (created on first use). */
  prometheus(deps: Pick<Parameters<typeof createPrometheusExporter>[0], 'health' | 'labels'>): PrometheusExporter {
    this.#exporter ??= createPrometheusExporter({
      latest: () => this.latest(),
      activeAlerts: () => this.activeAlerts(),
      now: () => this.#d.clock.now(),
      items: () => this.#items,
      ...deps,
    });
    return this.#exporter;
  }

  latest(): MetricsSample | null {
    return this.#latest;
  }

  activeAlerts(): Alert[] {
    return this.alerts.active();
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const intervalMs = this.#d.config.monitor.sampleS * 1000;
    const loop = async () => {
      await this.sampleNow().catch((error: Error) => this.#log.warn(`sampling failed: ${error.message}`));
      if (this.#running) this.#stopTimer = this.#d.clock.after(intervalMs, () => void loop());
    };
    // The first sample waits one interval: start-up (model load, recovery) has the CPU first.
    this.#stopTimer = this.#d.clock.after(intervalMs, () => void loop());
  }

  stop(): void {
    this.#running = false;
    this.#stopTimer?.();
    this.#stopItems();
    this.store.close();
  }

  /**
   * One sample: measured, checked against the rules, published, stored. Alerts come first: a full
   * disk must not silence the alert that says so (the chart gets a gap instead, logged once).
   */
  async sampleNow(): Promise<MetricsSample> {
    const system = await (this.#d.sampleSystem ?? sampleSystem)(this.#d.dataDir);
    const now = this.#d.clock.now();
    const sample: MetricsSample = { at: now, ...system, ...this.#appMetrics.collect(now) };
    this.#latest = sample;
    this.alerts.evaluate(sample);
    this.#d.hub.publish('monitor.sample', sample);
    try {
      this.store.add(sample);
      this.#historyFailing = false;
    } catch (error) {
      if (!this.#historyFailing) this.#log.warn(`metrics history not saved: ${(error as Error).message}`);
      this.#historyFailing = true;
    }
    return sample;
  }

  readonly handlers: Handlers['monitor'] = {
    current: () => this.#latest,
    history: ({ rangeS }) => this.store.history(rangeS, this.#d.clock.now()),
    alerts: () => this.alerts.list(),
    acknowledge: ({ id }, ctx) => {
      const alert = this.alerts.acknowledge(id, ctx.technician ?? '(unknown)');
      if (!alert) throw new AppFailure('BAD_REQUEST', `no alert ${id} (it may have resolved more than a day ago)`);
      return alert;
    },
    testAlert: (_request, ctx) => {
      const notifier = this.#d.notifier;
      if (!notifier?.channels.length) {
        throw new AppFailure(
          'UNAVAILABLE',
          'no alert channel is configured (monitor.alerts.webhookUrl, monitor.alerts.email), or the store is unavailable',
        );
      }
      const now = this.#d.clock.now();
      notifier.notify(
        {
          id: `test-${now}`,
          rule: 'test',
          title: `Test alert sent by ${ctx.technician ?? 'a technician'}`,
          severity: 'warning',
          state: 'resolved',
          value: 0,
          op: '>',
          threshold: 0,
          firedAt: now,
          lastSeenAt: now,
          resolvedAt: now,
          acknowledgedBy: null,
          acknowledgedAt: null,
        },
        'test',
      );
      return { channels: [...notifier.channels] };
    },
  };

  #announce(alert: Alert, change: 'fired' | 'resolved' | 'acknowledged'): void {
    const line = `alert ${change}: ${alert.title} (${alert.rule}, value ${alert.value}, threshold ${alert.threshold})`;
    if (change === 'fired' && alert.severity === 'critical') this.#log.error(line);
    else if (change === 'fired') this.#log.warn(line);
    else this.#log.info(change === 'acknowledged' ? `${line} by ${alert.acknowledgedBy}` : line);
    this.#d.hub.publish('monitor.alert', alert);
    if (change !== 'acknowledged') this.#d.notifier?.notify(alert, change);
  }
}

/** The alert for a config.json that was refused: its title names the bad keys; active while it lasts. */
function configRule(problem: string): AlertRule {
  return {
    id: 'config_invalid',
    title: problem,
    metric: 'configFault',
    op: '>=',
    threshold: 1,
    forS: 0,
    cooldownS: 0,
    severity: 'critical',
  };
}
