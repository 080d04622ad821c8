import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One row of `npm run test:faults`'s closing table. Times are measured and reported, never asserted. */
export interface FaultRow {
  readonly fault: string;
  /** From the fault's injection until the machine showed its reason (ms); null when not measured. */
  readonly detectedMs: number | null;
  /** From the cause going away until the machine was back in service (ms); null when not measured. */
  readonly healedMs: number | null;
  /** Acknowledged credit (points) that the store does not hold afterwards. */
  readonly creditsLost: number;
  /** The main thread's event-loop delay p99 through the test (ms); null when the loop never turned (a fake clock). */
  readonly loopLagP99Ms: number | null;
}

declare module 'vitest' {
  interface TaskMeta {
    faults?: FaultRow[];
  }
}

/**
 * Times one fault for the table and watches the event loop meanwhile:
 * inject() … detected() (the reason is showing) … clear() … healed() (back in service) … done(lost).
 */
export function faultWatch(
  task: { meta: { faults?: FaultRow[] } },
  fault: string,
  options: {
    /** The time the machine runs on: real by default; a fake clock's (or the camera's) where a test drives one. */
    now?: () => number;
    /** False when the kiosk runs in another process: this loop's delay would say nothing about it. */
    loop?: boolean;
  } = {},
) {
  const now = options.now ?? (() => performance.now());
  const lag = monitorEventLoopDelay({ resolution: 10 });
  if (options.loop !== false) lag.enable();
  const marks: Partial<Record<'inject' | 'detected' | 'clear' | 'healed', number>> = {};
  const mark = (name: keyof typeof marks) => () => void (marks[name] ??= now());
  const span = (from?: number, to?: number) => (from !== undefined && to !== undefined ? Math.round(to - from) : null);
  return {
    inject: mark('inject'),
    detected: mark('detected'),
    clear: mark('clear'),
    healed: mark('healed'),
    done(creditsLost: number): void {
      lag.disable();
      (task.meta.faults ??= []).push({
        fault,
        detectedMs: span(marks.inject, marks.detected),
        healedMs: span(marks.clear, marks.healed),
        creditsLost,
        loopLagP99Ms: lag.count ? Math.round(lag.percentile(99) / 1e5) / 10 : null,
      });
    },
  };
}
