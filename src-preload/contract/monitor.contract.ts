import { z } from 'zod';
import { action, event, view } from './define';

const n = z.number().nullable();

/**
 * One sample of the machine and the app (every monitor.sampleS). A value is null when this machine
 * cannot measure it (no temperature sensor, no vision, no platform).
 */
export const MetricsSampleSchema = z.object({
  at: z.number(),
  cpuPercent: n,
  memoryPercent: n,
  diskPercent: n,
  temperatureC: n,
  /** Detector time per frame as the main thread waits for it (moving average). */
  inferenceMs: n,
  /** The inference worker's own time per frame (moving average): the rest of inferenceMs is queueing and transfer. */
  workerInferenceMs: n,
  /** From an item's arrival in the chamber to its verdict, for the last item. */
  verdictLatencyMs: n,
  detectionsPerS: n,
  /** Frames the camera delivered that the detector had no time for (by design at 30 fps), per minute. */
  droppedFramesPerMin: n,
  workerRestarts: n,
  workerRestarts10m: n,
  /** 1 while the inference worker is unstable (backing off), else 0. */
  workerUnstable: n,
  /** 1 while the camera is lost or not started, else 0; null without vision. */
  cameraDown: n,
  /** 1 while the detector sees an item in the chamber the presence gate calls empty (nothing is counted). */
  chamberViewOccupied: n,
  eventLoopLagMs: n,
  outboxBacklog: n,
  outboxOldestAgeS: n,
  /** 1 while the platform link is not online, else 0; null with no platform configured. */
  platformDown: n,
  binLevelPercent: n,
  /** 1 while the machine's controller reports a fault or is not connected, else 0. */
  hardwareFault: n,
  /** 1 while deposits cannot be saved (storage full, the store unusable or from another machine), else 0. */
  storageFault: n,
  /** 1 while the receipt printer has a fault (paper out, cover open, offline, no answer); null without a printer. */
  printerFault: n,
  /** 1 while the printer's paper roll is near its end; null without a printer. */
  printerPaperLow: n,
  /** 1 while config.json is invalid and the kiosk runs on config.last-good.json, else 0. */
  configFault: n,
  itemsPerHour: n,
  /** Failed exchanges with the platform in the last hour; null without a platform. */
  deliveryFailuresPerHour: n,
  /** Detections that failed in the last hour (hung, worker errors); null with vision off. */
  detectorErrorsPerHour: n,
  /** Share of items handed back in the last hour (0–1); null below 10 items. */
  rejectRatio: n,
  /** The backup folder's size as a share of backup.maxTotalMb. */
  backupUsePercent: n,
  /** Hours since the newest database backup that verified; null before the first. */
  backupAgeH: n,
});
export type MetricsSample = z.infer<typeof MetricsSampleSchema>;
export type MetricName = Exclude<keyof MetricsSample, 'at'>;

export const MetricsHistorySchema = z.object({
  /** Seconds between points: the sample interval for the last hour, 60 beyond. */
  resolutionS: z.number().int().positive(),
  samples: z.array(MetricsSampleSchema),
});
export type MetricsHistory = z.infer<typeof MetricsHistorySchema>;

export const ALERT_SEVERITIES = ['warning', 'critical'] as const;

export const AlertSchema = z.object({
  /** Stable per occurrence (rule id + when it fired). */
  id: z.string(),
  rule: z.string(),
  title: z.string(),
  severity: z.enum(ALERT_SEVERITIES),
  state: z.enum(['active', 'resolved']),
  /** The metric's value that fired it, and the latest while active. */
  value: z.number(),
  /** The rule's condition: value op threshold. */
  op: z.enum(['>', '>=', '<', '<=']),
  threshold: z.number(),
  firedAt: z.number(),
  lastSeenAt: z.number(),
  resolvedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.number().nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const monitorContract = {
  current: view('view_status', z.undefined(), MetricsSampleSchema.nullable()),
  /** The last `rangeS` seconds (at most 24 h). */
  history: view('view_status', z.object({ rangeS: z.number().int().min(60).max(86_400) }), MetricsHistorySchema),
  /** Sent after each sample. */
  sample: event(MetricsSampleSchema),
  /** Active alerts, then those resolved in the last 24 h, newest first. */
  alerts: view('view_status', z.undefined(), z.array(AlertSchema)),
  acknowledge: action('view_status', z.object({ id: z.string().min(1) }), AlertSchema),
  /** Sends a test alert on every configured channel (webhook, e-mail), through the same queue. */
  testAlert: action('view_status', z.undefined(), z.object({ channels: z.array(z.string()) })),
  /** Sent when an alert fires, is acknowledged or resolves. */
  alert: event(AlertSchema),
} as const;
