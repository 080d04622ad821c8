import type { Alert, MetricsSample } from '../../src-preload/contract';
import type { Clock } from '../kernel/clock';
import { holds, type AlertRule } from './alert-rules';

/** Resolved alerts kept for the dashboard and the diagnostics bundle. */
const KEEP_RESOLVED_MS = 24 * 3600_000;
const KEEP_RESOLVED_MAX = 500;

interface RuleState {
  /** When the condition started to hold (ms), undefined while it does not. */
  since: number | undefined;
  active: Alert | undefined;
  /** When this rule's last alert resolved, for the cooldown. */
  resolvedAt: number | undefined;
}

/**
 * Turns samples into alerts: a rule fires once its condition has held for `forS`, stays one alert
 * (deduplicated) while it holds, resolves by itself when it stops, and does not fire again within
 * `cooldownS` of resolving. A null metric (not measurable here) neither fires nor resolves.
 */
export class AlertEngine {
  readonly #rules: readonly AlertRule[];
  readonly #clock: Clock;
  readonly #onChange: (alert: Alert, change: 'fired' | 'resolved' | 'acknowledged') => void;
  readonly #state = new Map<string, RuleState>();
  #resolved: Alert[] = [];

  constructor(options: {
    rules: readonly AlertRule[];
    clock: Clock;
    onChange: (alert: Alert, change: 'fired' | 'resolved' | 'acknowledged') => void;
  }) {
    this.#rules = options.rules;
    this.#clock = options.clock;
    this.#onChange = options.onChange;
    for (const rule of options.rules)
      this.#state.set(rule.id, { since: undefined, active: undefined, resolvedAt: undefined });
  }

  get rules(): readonly AlertRule[] {
    return this.#rules;
  }

  evaluate(sample: MetricsSample): void {
    const now = this.#clock.now();
    for (const rule of this.#rules) {
      const value = sample[rule.metric];
      if (value === null) continue;
      const state = this.#state.get(rule.id)!;
      if (!holds(rule.op, value, rule.threshold)) {
        state.since = undefined;
        if (state.active) this.#resolve(state, now);
        continue;
      }
      state.since ??= now;
      if (state.active) {
        state.active = { ...state.active, value, lastSeenAt: now };
        continue;
      }
      const cooling = state.resolvedAt !== undefined && now - state.resolvedAt < rule.cooldownS * 1000;
      if (now - state.since >= rule.forS * 1000 && !cooling) this.#fire(rule, state, value, now);
    }
    this.#prune(now);
  }

  /** Active alerts first (critical before warning), then resolved ones, newest first. */
  list(): Alert[] {
    const active = [...this.#state.values()]
      .flatMap((s) => (s.active ? [s.active] : []))
      .sort((a, b) => (a.severity === b.severity ? b.firedAt - a.firedAt : a.severity === 'critical' ? -1 : 1));
    return [...active, ...[...this.#resolved].reverse()];
  }

  active(): Alert[] {
    return this.list().filter((a) => a.state === 'active');
  }

  /** Marks an alert seen by a technician; it stays until its condition clears. Undefined when unknown. */
  acknowledge(id: string, technician: string): Alert | undefined {
    const now = this.#clock.now();
    for (const state of this.#state.values()) {
      if (state.active?.id !== id) continue;
      if (state.active.acknowledgedBy === null) {
        state.active = { ...state.active, acknowledgedBy: technician, acknowledgedAt: now };
        this.#onChange(state.active, 'acknowledged');
      }
      return state.active;
    }
    return this.#resolved.find((a) => a.id === id);
  }

  #fire(rule: AlertRule, state: RuleState, value: number, now: number): void {
    state.active = {
      id: `${rule.id}-${now}`,
      rule: rule.id,
      title: rule.title,
      severity: rule.severity,
      state: 'active',
      value,
      op: rule.op,
      threshold: rule.threshold,
      firedAt: now,
      lastSeenAt: now,
      resolvedAt: null,
      acknowledgedBy: null,
      acknowledgedAt: null,
    };
    this.#onChange(state.active, 'fired');
  }

  #resolve(state: RuleState, now: number): void {
    const resolved: Alert = { ...state.active!, state: 'resolved', resolvedAt: now };
    state.active = undefined;
    state.resolvedAt = now;
    this.#resolved.push(resolved);
    this.#onChange(resolved, 'resolved');
  }

  #prune(now: number): void {
    const keep = this.#resolved.filter((a) => now - a.resolvedAt! < KEEP_RESOLVED_MS);
    this.#resolved = keep.slice(-KEEP_RESOLVED_MAX);
  }
}
