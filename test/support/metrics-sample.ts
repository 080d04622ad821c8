import type { MetricsSample } from '../../src-preload/contract';

/** A sample where nothing was measured; tests spread the values they care about over it. */
export const UNMEASURED: Omit<MetricsSample, 'at'> = {
  cpuPercent: null,
  memoryPercent: null,
  diskPercent: null,
  temperatureC: null,
  inferenceMs: null,
  workerInferenceMs: null,
  verdictLatencyMs: null,
  detectionsPerS: null,
  droppedFramesPerMin: null,
  workerRestarts: null,
  workerRestarts10m: null,
  workerUnstable: null,
  cameraDown: null,
  eventLoopLagMs: null,
  outboxBacklog: null,
  outboxOldestAgeS: null,
  platformDown: null,
  binLevelPercent: null,
  hardwareFault: null,
  storageFault: null,
  configFault: null,
  itemsPerHour: null,
  backupUsePercent: null,
  backupAgeH: null,
};
