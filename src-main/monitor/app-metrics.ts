import type { BackupInfo } from '../../src-preload/contract';
import type { AppMetrics } from './sampler';

/**
 * Where the app's own numbers come from, read at each sample. Plain functions the composition root
 * wires, so the monitor needs no feature module (and each source can be missing: vision off, no
 * platform, a store that did not open).
 */
export interface AppMetricSources {
  /** Undefined with vision off. */
  readonly vision: () =>
    | {
        readonly metrics:
          | {
              readonly state: string;
              readonly inferenceMsEma: number | null;
              readonly workerMsEma: number | null;
              readonly detectionsPerSecond: number;
              readonly restarts: number;
              readonly errors?: number;
            }
          | undefined;
        readonly droppedFrames: number;
        readonly camera: string | undefined;
        readonly verdictLatencyMs: number | null;
        readonly emptyViewProblem: string | null;
      }
    | undefined;
  readonly platform: () => { readonly state: string; readonly backlog: { count: number; oldestAt: number | null } };
  /** Items accepted since `since`; undefined without a store. Throws when the store broke. */
  readonly acceptedSince: ((since: number) => number) | undefined;
  /** Items handed back since `since` (for the reject ratio); undefined without a store. */
  readonly rejectedSince?: ((since: number) => number) | undefined;
  /** Failed exchanges with the platform since start (deliveries, heartbeats, logins). */
  readonly platformFailures?: () => number;
  readonly hardware: () => { readonly binLevelPercent: number; readonly ok: boolean };
  /** Undefined when the store did not open (deposits cannot be saved either way). */
  readonly storageFull: () => boolean | undefined;
  /** The receipt printer as last seen; undefined without one (printer.kind none). */
  readonly printer?: () => { fault: string | null; paperLow: boolean } | undefined;
  readonly configFault: boolean;
  readonly lagP99Ms: () => number;
  /** Undefined when backups are off. */
  readonly backup:
    { list(): BackupInfo[]; usage(list: readonly BackupInfo[]): { percentOfCap: number | null } } | undefined;
  readonly startedAt: number;
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const round2 = (v: number) => Math.round(v * 100) / 100;
const MIN_ITEMS_FOR_RATIO = 10;

/** How much a count since start grew over the last hour (from the samples seen). */
class LastHour {
  readonly #history: Array<[at: number, total: number]> = [];

  add(now: number, total: number): number {
    this.#history.push([now, total]);
    while (this.#history.length > 1 && now - this.#history[0]![0] > 3_600_000) this.#history.shift();
    return total - this.#history[0]![1];
  }
}

/** Turns the sources into one AppMetrics sample; keeps what rates need between samples. */
export class AppMetricsCollector {
  readonly #s: AppMetricSources;
  /** Worker restart counts over the last 10 minutes, and the last dropped-frame count. */
  readonly #restartHistory: Array<[at: number, restarts: number]> = [];
  readonly #platformFailures = new LastHour();
  readonly #detectorErrors = new LastHour();
  #lastDropped: [at: number, dropped: number] | undefined;
  #backupStats: { at: number; usePercent: number | null; ageH: number | null } | undefined;

  constructor(sources: AppMetricSources) {
    this.#s = sources;
  }

  collect(now: number): AppMetrics {
    const s = this.#s;
    const stats = s.vision();
    const vision = stats?.metrics;
    let restarts10m: number | null = null;
    if (vision) {
      this.#restartHistory.push([now, vision.restarts]);
      while (this.#restartHistory.length > 1 && now - this.#restartHistory[0]![0] > 600_000)
        this.#restartHistory.shift();
      restarts10m = vision.restarts - this.#restartHistory[0]![1];
    }
    let droppedPerMin: number | null = null;
    if (stats?.camera !== undefined) {
      const [at, dropped] = this.#lastDropped ?? [now, stats.droppedFrames];
      droppedPerMin = now > at ? Math.round(((stats.droppedFrames - dropped) * 60_000) / (now - at)) : 0;
      this.#lastDropped = [now, stats.droppedFrames];
    }
    const link = s.platform();
    const platformOn = link.state !== 'disabled';
    let itemsPerHour: number | null = null;
    try {
      itemsPerHour = s.acceptedSince ? s.acceptedSince(now - 3_600_000) : null;
    } catch {
      // A store that broke since start: the chart shows a gap, the deposit flow reports the cause.
    }
    const hardware = s.hardware();
    let rejectRatio: number | null = null;
    try {
      const rejected = s.rejectedSince?.(now - 3_600_000);
      const total = rejected === undefined || itemsPerHour === null ? 0 : rejected + itemsPerHour;
      // Below 10 items an hour a ratio says little (1 of 1 is 100 %).
      rejectRatio = total >= MIN_ITEMS_FOR_RATIO ? round2(rejected! / total) : null;
    } catch {
      // as itemsPerHour
    }
    return {
      inferenceMs: vision?.inferenceMsEma === null || !vision ? null : round1(vision.inferenceMsEma),
      workerInferenceMs: vision?.workerMsEma == null ? null : round1(vision.workerMsEma),
      verdictLatencyMs: stats?.verdictLatencyMs == null ? null : Math.round(stats.verdictLatencyMs),
      detectionsPerS: vision ? vision.detectionsPerSecond : null,
      droppedFramesPerMin: droppedPerMin,
      workerRestarts: vision ? vision.restarts : null,
      workerRestarts10m: restarts10m,
      workerUnstable: vision ? (vision.state === 'backoff' ? 1 : 0) : null,
      cameraDown: stats?.camera === undefined ? null : stats.camera === 'streaming' ? 0 : 1,
      chamberViewOccupied: stats ? (stats.emptyViewProblem ? 1 : 0) : null,
      eventLoopLagMs: round1(s.lagP99Ms()),
      outboxBacklog: platformOn ? link.backlog.count : null,
      outboxOldestAgeS: !platformOn
        ? null
        : link.backlog.oldestAt === null
          ? 0
          : Math.max(0, Math.round((now - link.backlog.oldestAt) / 1000)),
      platformDown: platformOn ? (link.state === 'online' ? 0 : 1) : null,
      binLevelPercent: round1(hardware.binLevelPercent),
      hardwareFault: hardware.ok ? 0 : 1,
      storageFault: s.storageFull() === false ? 0 : 1,
      configFault: s.configFault ? 1 : 0,
      ...printerMetrics(s.printer?.()),
      itemsPerHour,
      deliveryFailuresPerHour:
        platformOn && s.platformFailures ? this.#platformFailures.add(now, s.platformFailures()) : null,
      detectorErrorsPerHour: vision?.errors === undefined ? null : this.#detectorErrors.add(now, vision.errors),
      rejectRatio,
      ...this.#backupMetrics(now),
    };
  }

  /** Backup folder use and the newest verified database backup's age; read at most once a minute. */
  #backupMetrics(now: number): { backupUsePercent: number | null; backupAgeH: number | null } {
    const backup = this.#s.backup;
    if (!backup) return { backupUsePercent: null, backupAgeH: null };
    if (!this.#backupStats || now - this.#backupStats.at >= 60_000) {
      try {
        const list = backup.list();
        const newest = list.find((b) => b.kind === 'database' && b.verified?.ok);
        this.#backupStats = {
          at: now,
          usePercent: backup.usage(list).percentOfCap,
          // Before the first backup, count from start: a new machine is not alarmed for 3 h.
          ageH: round1((now - (newest?.createdAt ?? this.#s.startedAt)) / 3_600_000),
        };
      } catch {
        this.#backupStats = { at: now, usePercent: null, ageH: null };
      }
    }
    return { backupUsePercent: this.#backupStats.usePercent, backupAgeH: this.#backupStats.ageH };
  }
}

function printerMetrics(p: { fault: string | null; paperLow: boolean } | undefined) {
  return p
    ? { printerFault: p.fault ? 1 : 0, printerPaperLow: p.paperLow ? 1 : 0 }
    : { printerFault: null, printerPaperLow: null };
}
