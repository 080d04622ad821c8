import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks';
import type { Health, HealthCheck } from '../../src-preload/contract';
import type { Clock } from './clock';

export type HealthProbe = () => Omit<HealthCheck, 'name'>;

const RANK = { ok: 0, degraded: 1, out_of_service: 2 } as const;
/** Event-loop lag above this makes the kiosk "degraded": touches and frames start to stutter. */
const LAG_DEGRADED_MS = 200;

/** Collects named probes from every service and reduces them to one status. */
export class HealthService {
  readonly #probes = new Map<string, HealthProbe>();
  readonly #lag: ELDHistogram;
  readonly #startedAt: number;

  constructor(private readonly clock: Clock) {
    this.#startedAt = clock.now();
    this.#lag = monitorEventLoopDelay({ resolution: 10 });
    this.#lag.enable();
    this.register('event-loop', () => {
      const p99 = this.lagP99Ms();
      return p99 > LAG_DEGRADED_MS
        ? { status: 'degraded', detail: `event-loop lag p99 ${p99.toFixed(0)} ms` }
        : { status: 'ok', detail: `event-loop lag p99 ${p99.toFixed(1)} ms` };
    });
  }

  /** A service reports its own state; registering a name twice is a wiring bug. */
  register(name: string, probe: HealthProbe): void {
    if (this.#probes.has(name)) throw new Error(`health probe "${name}" is already registered`);
    this.#probes.set(name, probe);
  }

  lagP99Ms(): number {
    return this.#lag.count > 0 ? this.#lag.percentile(99) / 1e6 : 0;
  }

  snapshot(): Health {
    const checks: HealthCheck[] = [...this.#probes].map(([name, probe]) => {
      try {
        return { name, ...probe() };
      } catch (error) {
        return { name, status: 'degraded', detail: `probe failed: ${(error as Error).message}` };
      }
    });
    const status = checks.reduce<Health['status']>(
      (worst, c) => (RANK[c.status] > RANK[worst] ? c.status : worst),
      'ok',
    );
    return {
      status,
      checks,
      uptimeS: Math.max(0, (this.clock.now() - this.#startedAt) / 1000),
      eventLoopLagP99Ms: this.lagP99Ms(),
      rssMb: process.memoryUsage.rss() / 2 ** 20,
    };
  }

  /** Starts a fresh lag window (called after each heartbeat so p99 describes recent seconds). */
  resetLagWindow(): void {
    this.#lag.reset();
  }

  stop(): void {
    this.#lag.disable();
  }
}
