import { cpus, freemem, loadavg, totalmem } from 'node:os';
import type { CameraInfo, HealthSnapshot } from './profile';

/** Where the heartbeat's figures come from. */
export interface HealthSources {
  readonly appVersion: string;
  readonly binLevelPercent: () => number;
  readonly depositsSinceStart: () => number;
  /** The running model's version, for heartbeats. */
  readonly modelVersion?: () => string | null;
  /** Cameras for the v1 heartbeat's discovery. */
  readonly cameras?: () => CameraInfo[];
  /** The monitor's latest sample (CPU, memory, disk, temperature) and active alerts, for the heartbeat. */
  readonly vitals?: () => Pick<HealthSnapshot, 'cpuPercent' | 'memoryPercent' | 'diskPercent' | 'temperatureC'> | null;
  readonly alerts?: () => HealthSnapshot['alerts'];
}

/** The machine's health as the heartbeat reports it, now. */
export function healthSnapshot(s: HealthSources): HealthSnapshot {
  const cores = cpus().length || 1;
  // Before the monitor's first sample: the load average and free memory are all there is.
  const vitals = s.vitals?.() ?? {
    cpuPercent: Math.min(100, Math.round((loadavg()[0]! / cores) * 100)),
    memoryPercent: Math.round((1 - freemem() / totalmem()) * 100),
    diskPercent: null,
    temperatureC: null,
  };
  return {
    ...vitals,
    alerts: s.alerts?.() ?? [],
    binLevelPercent: s.binLevelPercent(),
    uptimeS: process.uptime(),
    depositsSinceStart: s.depositsSinceStart(),
    appVersion: s.appVersion,
    modelVersion: s.modelVersion?.() ?? null,
    cameras: s.cameras?.() ?? [],
  };
}
