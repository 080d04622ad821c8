import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { MetricsSample } from '../../src-preload/contract';
import { createLogger } from '../log/logger';
import { UNMEASURED } from '../../test/support/metrics-sample';
import { tempDir } from '../../test/support/test-core';
import { MetricsStore } from './metrics-history';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const START = Date.UTC(2026, 10, 22, 0, 0, 0);

function sample(at: number, cpu: number, cameraDown: number | null = 0): MetricsSample {
  return {
    ...UNMEASURED,
    at,
    cpuPercent: cpu,
    memoryPercent: 40,
    cameraDown,
    eventLoopLagMs: 1,
    binLevelPercent: 10,
    itemsPerHour: 0,
    backupUsePercent: 3,
    backupAgeH: 0.5,
  };
}

describe('metrics history', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('keeps every 5-s sample for an hour and per-minute means (worst for up/down flags) for a day', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'monitor.db');
    let store = new MetricsStore(path, logger, 5);
    // 26 hours of samples; in each minute the CPU climbs 0..55 (mean 27.5) and the camera is down once.
    const end = START + 26 * 3600_000;
    for (let at = START; at < end; at += 5000) {
      const inMinute = (at % 60_000) / 5000;
      store.add(sample(at, inMinute * 5, inMinute === 3 ? 1 : 0));
      if (at === START + 13 * 3600_000) {
        // A restart half-way loses nothing.
        store.close();
        store = new MetricsStore(path, logger, 5);
      }
    }
    const now = end - 5000;
    const hour = store.history(3600, now);
    expect(hour.resolutionS).toBe(5);
    expect(hour.samples).toHaveLength(720);
    expect(hour.samples.at(-1)!.at).toBe(now);
    const day = store.history(86_400, now);
    expect(day.resolutionS).toBe(60);
    // 24 h of minutes: the oldest dropped after a day, the open minute averaged so far.
    expect(day.samples.length).toBeGreaterThanOrEqual(1439);
    expect(day.samples.length).toBeLessThanOrEqual(1441);
    const full = day.samples[10]!;
    expect(full.cpuPercent).toBe(27.5);
    expect(full.cameraDown).toBe(1);
    expect(full.diskPercent).toBeNull();
    expect(day.samples[0]!.at).toBeGreaterThanOrEqual(now - 86_400_000);
    // Bounded: well under a megabyte and a half for a day.
    expect(store.sizeBytes()).toBeLessThan(1.5 * 2 ** 20);
    store.close();
  });

  it('a damaged file is replaced (charts only) instead of stopping the kiosk', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'monitor.db');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, 'this is not a database'.repeat(100));
    const store = new MetricsStore(path, logger, 5);
    store.add(sample(START, 10));
    expect(store.history(3600, START).samples).toHaveLength(1);
    store.close();
  });
});
