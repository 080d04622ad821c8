import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCore } from '../support/test-core';
import { petVerdict } from '../support/verdicts';

// /metrics as a fleet reads it, and the fleet artefacts in build/fleet/: Prometheus's own linter
// (promtool, from Debian's prometheus package, which .ci/run installs) on the exported text, the
// alerting rules and their unit tests; every metric the rules and the Grafana dashboard use exists.

const promtool = spawnSync('promtool', ['--version']).status === 0;
const FLEET = 'build/fleet';

let text = '';
const env = makeTestCore({ RVM_MACHINE__ID: 'RVM-FLEET' });
beforeAll(async () => {
  env.core.start();
  const deposit = env.core.deposit.service!;
  deposit.start();
  deposit.identify({ kind: 'guest' });
  await deposit.acceptVerdict(petVerdict);
  deposit.chamberCleared();
  await deposit.acceptVerdict({ ...petVerdict, accepted: false, material: null, reason: 'reject_class' });
  deposit.finish();
  await env.core.monitor.sampleNow();
  text = await env.core.prometheus().text();
});
afterAll(() => env.dispose());

/** Metric families in the exported text (# TYPE lines), with their type. */
const families = () => new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));

describe('/metrics for a fleet', () => {
  it('uses base units and counts items as counters, per reject reason', () => {
    const types = families();
    expect([...types.keys()].filter((name) => /_ms$|_millis/.test(name))).toEqual([]);
    expect(types.get('rvm_verdict_latency_seconds')).toBe('gauge');
    expect(types.get('rvm_inference_worker_restarts_total')).toBe('counter');
    expect(text).toMatch(/^rvm_items_accepted_total\{machine_id="RVM-FLEET"\} 1$/m);
    expect(text).toMatch(/^rvm_items_rejected_total\{reason="reject_class",machine_id="RVM-FLEET"\} 1$/m);
    expect(text).toMatch(/^rvm_event_loop_lag_p99_seconds\{machine_id="RVM-FLEET"\} \d/m);
    for (const [name, type] of types) if (name.endsWith('_total')) expect(type, name).toBe('counter');
  });

  it.skipIf(!promtool)('passes promtool check metrics without a warning', () => {
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!promtool)('ships alerting rules that promtool checks and whose unit tests pass', () => {
    expect(execFileSync('promtool', ['check', 'rules', `${FLEET}/rvm-alerts.rules.yml`], { encoding: 'utf8' })).toMatch(
      /SUCCESS: \d+ rules found/,
    );
    expect(execFileSync('promtool', ['test', 'rules', `${FLEET}/rvm-alerts.test.yml`], { encoding: 'utf8' })).toMatch(
      /SUCCESS/,
    );
    const config = execFileSync(
      'promtool',
      ['check', 'config', '--syntax-only', `${FLEET}/scrape-config.example.yml`],
      {
        encoding: 'utf8',
      },
    );
    expect(config).toMatch(/valid prometheus config file syntax/);
  });

  it('names only metrics the kiosk exports, in the rules and the Grafana dashboard', () => {
    const exported = families();
    const rules = readFileSync(`${FLEET}/rvm-alerts.rules.yml`, 'utf8');
    const dashboard = JSON.parse(readFileSync(`${FLEET}/grafana-rvm-fleet.json`, 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      templating: { list: Array<{ definition: string }> };
    };
    const exprs = [
      rules,
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...dashboard.templating.list.map((v) => v.definition),
    ].join('\n');
    const used = new Set([...exprs.matchAll(/\brvm_[a-z0-9_]+/g)].map((m) => m[0]));
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    // What the issue asks a fleet to see per machine.
    const titles = dashboard.panels.map((p) => p.title).join(' | ');
    for (const what of [/Items accepted/, /by reason/, /waiting/, /Uptime/, /Inference/, /temperature/, /Bin level/]) {
      expect(titles).toMatch(what);
    }
  });
});
