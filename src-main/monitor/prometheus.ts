import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Alert, Health, MetricName, MetricsSample } from '../../src-preload/contract';

/** A metric kept in ms, exported in seconds. */
const MS = { ms: true } as const;

export interface PrometheusSources {
  readonly latest: () => MetricsSample | null;
  readonly activeAlerts: () => Alert[];
  readonly health: () => Health;
  readonly now: () => number;
  readonly labels: { readonly machine: string; readonly machineId: string; readonly version: string };
  /** Items since start: accepted, and rejected by reason (counters). */
  readonly items?: () => ItemCounts;
}

export interface ItemCounts {
  readonly accepted: number;
  readonly rejected: Readonly<Record<string, number>>;
}

/**
 * camelCase metric → Prometheus name, help text and how it is written: base units (seconds, not ms:
 * `scale`), counters as counters (`_total`); `promtool check metrics` has nothing to say about them.
 */
const EXPORTED: ReadonlyArray<[MetricName, string, string, { ms?: true; counter?: true }?]> = [
  ['cpuPercent', 'rvm_cpu_percent', 'CPU load of the machine, percent'],
  ['memoryPercent', 'rvm_memory_percent', 'Memory in use by programs, percent'],
  ['diskPercent', 'rvm_disk_percent', "Disk use of the kiosk's data folder, percent"],
  ['temperatureC', 'rvm_cpu_temperature_celsius', 'CPU temperature (absent without a sensor)'],
  ['inferenceMs', 'rvm_inference_seconds', 'Detector time per frame as main waits for it (moving average)', MS],
  [
    'workerInferenceMs',
    'rvm_worker_inference_seconds',
    "The inference worker's own time per frame (moving average)",
    MS,
  ],
  ['verdictLatencyMs', 'rvm_verdict_latency_seconds', "From an item's arrival to its verdict, last item", MS],
  ['detectionsPerS', 'rvm_detections_per_second', 'Frames run through the detector per second'],
  ['droppedFramesPerMin', 'rvm_dropped_frames_per_minute', 'Camera frames skipped because the detector was busy'],
  ['workerRestarts', 'rvm_inference_worker_restarts_total', 'Inference worker restarts since start', { counter: true }],
  ['workerUnstable', 'rvm_inference_worker_unstable', '1 while the inference worker is backing off'],
  ['cameraDown', 'rvm_camera_down', '1 while the camera is lost'],
  [
    'chamberViewOccupied',
    'rvm_chamber_view_occupied',
    'The detector sees an item in what the presence gate calls empty',
  ],
  ['eventLoopLagMs', 'rvm_event_loop_lag_p99_seconds', 'Main event-loop lag p99', MS],
  ['outboxBacklog', 'rvm_outbox_backlog', 'Deliveries waiting for the platform'],
  ['outboxOldestAgeS', 'rvm_outbox_oldest_age_seconds', 'Age of the oldest waiting delivery'],
  ['platformDown', 'rvm_platform_down', '1 while the platform link is not online'],
  ['binLevelPercent', 'rvm_bin_level_percent', 'Bin fill level, percent'],
  ['hardwareFault', 'rvm_hardware_fault', '1 while the controller reports a fault or is not connected'],
  ['storageFault', 'rvm_storage_fault', '1 while deposits cannot be saved (storage full, store unusable)'],
  ['printerFault', 'rvm_printer_fault', '1 while the receipt printer is out of paper, open, offline or not answering'],
  ['printerPaperLow', 'rvm_printer_paper_low', '1 while the receipt printer reports its paper roll near its end'],
  ['configFault', 'rvm_config_fault', '1 while config.json is invalid and the last good copy is in use'],
  ['itemsPerHour', 'rvm_items_per_hour', 'Items accepted in the last hour'],
  ['deliveryFailuresPerHour', 'rvm_platform_failures_last_hour', 'Failed exchanges with the platform in the last hour'],
  ['detectorErrorsPerHour', 'rvm_detector_errors_last_hour', 'Detections that failed in the last hour'],
  ['rejectRatio', 'rvm_reject_ratio', 'Share of items handed back in the last hour (at least 10 items)'],
];

const HEALTH_VALUE = { ok: 0, degraded: 1, out_of_service: 2 } as const;

export interface PrometheusExporter {
  readonly contentType: string;
  text(): Promise<string>;
}

/**
 * Prometheus text for `/metrics` on the remote server: the latest sample (no extra measuring per
 * scrape; a value this machine cannot measure is left out, not reported as 0), active alerts by
 * severity, health, and the Node process's own metrics (prom-client's defaults).
 */
export function createPrometheusExporter(sources: PrometheusSources): PrometheusExporter {
  const registry = new Registry();
  const machineId = sources.labels.machineId;
  registry.setDefaultLabels({ machine_id: machineId });
  collectDefaultMetrics({ register: registry, prefix: 'rvm_' });
  // Gauges that prom-client names _total (promtool: "non-counter metrics should not have _total"); the
  // same numbers by type stay (rvm_nodejs_active_handles …).
  for (const name of ['handles', 'requests', 'resources'])
    registry.removeSingleMetric(`rvm_nodejs_active_${name}_total`);
  const label = (extra: Record<string, string> = {}) =>
    `{${Object.entries({ ...extra, machine_id: machineId })
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',')}}`;
  const family = (
    type: 'gauge' | 'counter',
    name: string,
    help: string,
    values: Array<[labels: Record<string, string>, value: number]>,
  ) =>
    [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...values.map(([l, v]) => `${name}${label(l)} ${v}`)].join(
      '\n',
    );
  const gauge = (name: string, help: string, values: Array<[Record<string, string>, number]>) =>
    family('gauge', name, help, values);

  return {
    contentType: registry.contentType,
    async text() {
      const latest = sources.latest();
      const active = sources.activeAlerts();
      const items = sources.items?.();
      const own = [
        ...EXPORTED.map(([key, name, help, how]) => {
          const value = latest?.[key];
          const present: Array<[Record<string, string>, number]> =
            value === null || value === undefined ? [] : [[{}, how?.ms ? value / 1000 : value]];
          return family(how?.counter ? 'counter' : 'gauge', name, help, present);
        }),
        ...(items
          ? [
              family('counter', 'rvm_items_accepted_total', 'Items credited since start', [[{}, items.accepted]]),
              family(
                'counter',
                'rvm_items_rejected_total',
                'Items handed back since start, by reason',
                Object.entries(items.rejected).map(([reason, n]) => [{ reason }, n]),
              ),
            ]
          : []),
        gauge(
          'rvm_sample_age_seconds',
          'Seconds since the last sample (stale monitoring shows here)',
          latest ? [[{}, (sources.now() - latest.at) / 1000]] : [],
        ),
        gauge(
          'rvm_alerts_active',
          'Active alerts by severity',
          (['warning', 'critical'] as const).map((severity) => [
            { severity },
            active.filter((a) => a.severity === severity).length,
          ]),
        ),
        gauge('rvm_health_status', 'Kiosk health: 0 ok, 1 degraded, 2 out of service', [
          [{}, HEALTH_VALUE[sources.health().status]],
        ]),
        gauge('rvm_info', 'The kiosk: machine name and app version', [
          [{ machine: sources.labels.machine, version: sources.labels.version }, 1],
        ]),
      ];
      return `${own.join('\n')}\n${await registry.metrics()}`;
    },
  };
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
