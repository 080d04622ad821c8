import { describe, expect, it } from 'vitest';
import type { Alert, MetricsSample } from '../../src-preload/contract';
import { ConfigSchema } from '../config/config.schema';
import { FakeClock } from '../../test/support/fake-clock';
import { UNMEASURED } from '../../test/support/metrics-sample';
import { AlertEngine } from './alert-engine';
import { resolveRules, type AlertRule } from './alert-rules';

const CPU_WARNING: AlertRule = {
  id: 'cpu_warning',
  title: 'CPU above 80 % for 5 minutes',
  metric: 'cpuPercent',
  op: '>',
  threshold: 80,
  forS: 300,
  cooldownS: 600,
  severity: 'warning',
};

/** Feeds one value every 5 s for `seconds`, recording every change the engine announces. */
function harness(rules: AlertRule[] = [CPU_WARNING]) {
  const clock = new FakeClock();
  const changes: Array<[change: string, alert: Alert]> = [];
  const engine = new AlertEngine({ rules, clock, onChange: (alert, change) => changes.push([change, alert]) });
  const feed = (values: Partial<MetricsSample>, seconds: number) => {
    for (let t = 0; t < seconds; t += 5) {
      engine.evaluate({ ...UNMEASURED, ...values, at: clock.now() });
      clock.advance(5000);
    }
  };
  return { clock, engine, changes, feed, fired: () => changes.filter(([c]) => c === 'fired').length };
}

describe('alert engine', () => {
  // Each row: what the metric does, and how many alerts fire.
  it.each([
    { name: 'below the threshold never fires', steps: [[50, 600]], fired: 0 },
    { name: 'above it for less than its duration does not fire', steps: [[90, 295]], fired: 0 },
    { name: 'above it for its duration fires once', steps: [[90, 305]], fired: 1 },
    { name: 'staying above stays one alert (deduplicated)', steps: [[90, 3600]], fired: 1 },
    {
      name: 'a dip restarts the duration',
      steps: [
        [90, 200],
        [50, 5],
        [90, 200],
      ],
      fired: 0,
    },
    { name: 'exactly at the threshold is not above it', steps: [[80, 600]], fired: 0 },
    { name: 'no measurement (null) neither fires nor resolves', steps: [[null, 600]], fired: 0 },
  ] as Array<{ name: string; steps: Array<[number | null, number]>; fired: number }>)('$name', ({ steps, fired }) => {
    const h = harness();
    for (const [value, seconds] of steps) h.feed({ cpuPercent: value }, seconds);
    expect(h.fired()).toBe(fired);
  });

  it('resolves by itself when the condition clears, and holds off within the cooldown', () => {
    const h = harness();
    h.feed({ cpuPercent: 90 }, 305);
    expect(h.engine.active()).toHaveLength(1);
    h.feed({ cpuPercent: 40 }, 5);
    expect(h.engine.active()).toHaveLength(0);
    expect(h.changes.map(([c]) => c)).toEqual(['fired', 'resolved']);
    expect(h.engine.list()[0]).toMatchObject({ state: 'resolved', rule: 'cpu_warning' });
    // Back above for longer than its duration but within the 10-minute cooldown: nothing.
    h.feed({ cpuPercent: 90 }, 400);
    expect(h.fired()).toBe(1);
    // Once the cooldown has passed (still above, duration long met): it fires again.
    h.feed({ cpuPercent: 90 }, 300);
    expect(h.fired()).toBe(2);
  });

  it('acknowledging marks who saw it; the alert stays active until it clears', () => {
    const h = harness();
    h.feed({ cpuPercent: 99 }, 305);
    const [alert] = h.engine.active();
    const acked = h.engine.acknowledge(alert!.id, 'Agus');
    expect(acked).toMatchObject({ state: 'active', acknowledgedBy: 'Agus', acknowledgedAt: h.clock.now() });
    expect(h.engine.acknowledge(alert!.id, 'Budi')).toMatchObject({ acknowledgedBy: 'Agus' });
    expect(h.changes.map(([c]) => c)).toEqual(['fired', 'acknowledged']);
    h.feed({ cpuPercent: 99 }, 60);
    expect(h.engine.active()[0]).toMatchObject({ acknowledgedBy: 'Agus', value: 99 });
    h.feed({ cpuPercent: 10 }, 5);
    expect(h.engine.list()[0]).toMatchObject({ state: 'resolved', acknowledgedBy: 'Agus' });
    expect(h.engine.acknowledge('nope', 'Agus')).toBeUndefined();
  });

  it('the default rules follow the requirements, and config changes them by id', () => {
    const config = ConfigSchema.parse({
      monitor: {
        alerts: {
          rules: {
            cpu_warning: { threshold: 70 },
            temperature_warning: { enabled: false },
            queue_long: { metric: 'outboxBacklog', op: '>=', threshold: 500, severity: 'critical' },
          },
        },
      },
    });
    const rules = new Map(resolveRules(config).map((r) => [r.id, r]));
    expect(rules.get('cpu_warning')).toMatchObject({ threshold: 70, forS: 300, severity: 'warning' });
    expect(rules.get('cpu_critical')).toMatchObject({ op: '>', threshold: 95, forS: 60, severity: 'critical' });
    expect(rules.get('memory_warning')).toMatchObject({ threshold: 85 });
    expect(rules.get('memory_critical')).toMatchObject({ threshold: 95, severity: 'critical' });
    expect(rules.get('disk_warning')).toMatchObject({ threshold: 90 });
    expect(rules.get('camera_lost')).toMatchObject({ metric: 'cameraDown', forS: 30 });
    expect(rules.get('outbox_stale')).toMatchObject({ metric: 'outboxOldestAgeS', threshold: 3600 });
    expect(rules.get('platform_unreachable')).toMatchObject({ metric: 'platformDown', forS: 600 });
    expect(rules.get('bin_full')).toMatchObject({ threshold: 95 });
    expect(rules.get('hardware_fault')).toMatchObject({ metric: 'hardwareFault', forS: 0, severity: 'critical' });
    expect(rules.get('storage_fault')).toMatchObject({ metric: 'storageFault', forS: 0, severity: 'critical' });
    expect(rules.has('temperature_warning')).toBe(false);
    expect(rules.get('queue_long')).toMatchObject({ metric: 'outboxBacklog', threshold: 500, forS: 0 });
    // A new rule without its metric is refused at start-up, naming the key.
    const bad = ConfigSchema.safeParse({ monitor: { alerts: { rules: { queue_long: { threshold: 5 } } } } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('queue_long');
  });

  it('camera lost fires after 30 s down; platform unreachable only after 10 minutes', () => {
    const config = ConfigSchema.parse({});
    const h = harness(resolveRules(config));
    h.feed({ cameraDown: 1, platformDown: 1 }, 25);
    expect(h.engine.active()).toHaveLength(0);
    h.feed({ cameraDown: 1, platformDown: 1 }, 10);
    expect(h.engine.active().map((a) => a.rule)).toEqual(['camera_lost']);
    h.feed({ cameraDown: 0, platformDown: 1 }, 600);
    expect(h.engine.active().map((a) => a.rule)).toEqual(['platform_unreachable']);
    expect(h.engine.list().find((a) => a.rule === 'camera_lost')).toMatchObject({ state: 'resolved' });
  });
});
