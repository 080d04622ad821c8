import type { Clock } from './clock';
import type { EventHub } from './event-hub';
import type { HealthService } from './health.service';

/** Publishes app.heartbeat every interval: the UI's proof that main is alive and how it is. */
export function startHeartbeat(hub: EventHub, health: HealthService, clock: Clock, intervalMs: number): () => void {
  let seq = 0;
  const beat = () => {
    const snapshot = health.snapshot();
    health.resetLagWindow();
    hub.publish('app.heartbeat', {
      seq: seq++,
      at: new Date(clock.now()).toISOString(),
      status: snapshot.status,
      reasons: snapshot.checks.filter((c) => c.status !== 'ok').map((c) => `${c.name}: ${c.detail}`),
      intervalMs,
    });
  };
  beat();
  return clock.every(intervalMs, beat);
}
