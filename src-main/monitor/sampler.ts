import { statfs } from 'node:fs/promises';
import si from 'systeminformation';
import type { MetricsSample } from '../../src-preload/contract';

export type SystemMetrics = Pick<MetricsSample, 'cpuPercent' | 'memoryPercent' | 'diskPercent' | 'temperatureC'>;
export type AppMetrics = Omit<MetricsSample, 'at' | keyof SystemMetrics>;

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * The machine's vitals: CPU load since the last call, memory in use by programs (not the page
 * cache), the data folder's disk, and CPU temperature where the hardware has a sensor (null otherwise).
 * Each value that cannot be read is null; a failed read never stops the sampling.
 */
export async function sampleSystem(dataDir: string): Promise<SystemMetrics> {
  const [load, mem, disk, temperature] = await Promise.allSettled([
    si.currentLoad(),
    si.mem(),
    statfs(dataDir),
    si.cpuTemperature(),
  ]);
  const value = <T>(r: PromiseSettledResult<T>): T | undefined => (r.status === 'fulfilled' ? r.value : undefined);
  const l = value(load);
  const m = value(mem);
  const d = value(disk);
  const t = value(temperature)?.main;
  return {
    cpuPercent: l && Number.isFinite(l.currentLoad) ? round1(l.currentLoad) : null,
    memoryPercent: m && m.total > 0 ? round1((m.active / m.total) * 100) : null,
    diskPercent: d && d.blocks > 0 ? round1((1 - d.bavail / d.blocks) * 100) : null,
    // systeminformation reports no sensor as null (or -1 on some boards).
    temperatureC: typeof t === 'number' && t > 0 ? round1(t) : null,
  };
}
