import type { SupervisorState } from './inference.supervisor';

/** How long the inference worker may be restarting before the watchdog gives up on this process. */
export const WORKER_GRACE_MS = 120_000;

/**
 * The inference worker's part of the watchdog's liveness: since when it has not been ready (carried
 * between calls) and, past WORKER_GRACE_MS, the problem. No supervisor (vision off, or no model to
 * start) and a refused model count as live.
 */
export function workerLiveness(
  state: SupervisorState | undefined,
  downSince: number | undefined,
  now: number,
): { downSince: number | undefined; problem: string | null } {
  if (state === undefined || state === 'ready' || state === 'model_refused')
    return { downSince: undefined, problem: null };
  const since = downSince ?? now;
  const problem =
    now - since > WORKER_GRACE_MS
      ? `the inference worker has not been ready for ${Math.round((now - since) / 1000)} s (${state})`
      : null;
  return { downSince: since, problem };
}
