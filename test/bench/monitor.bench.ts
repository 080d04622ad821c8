// npm run bench:monitor — what monitoring costs: CPU used by sampling (systeminformation and the app's
// own numbers, stored and checked against the alert rules) as a share of one core at the 5-s interval,
// and the metrics database's size after 24 simulated hours (targets: < 1 % of one core, < 20 MB).
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src-main/config/config.loader';
import { KioskCore } from '../../src-main/core/kiosk-core';
import { createLogger } from '../../src-main/log/logger';
import { MetricsStore } from '../../src-main/monitor/metrics-history';
import { tempDir } from '../support/test-core';

const SAMPLES = Number(process.env.SAMPLES ?? 120);
const INTERVAL_S = 5;
const TICKS_PER_S = 100; // USER_HZ on Linux

/** This process's CPU time including children it has waited for (systeminformation may spawn some), ms. */
function cpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // Fields after "(comm) ": state is [0]; utime [11], stime [12], cutime [13], cstime [14].
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return (ticks * 1000) / TICKS_PER_S;
}

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });

// 1. Sampling cost: a real core (vision off: the worker's numbers are read from memory either way),
//    real systeminformation, the real metrics database and alert rules.
{
  const { dir, cleanup } = tempDir('rvm-bench-monitor-');
  const core = new KioskCore({
    dataDir: dir,
    loaded: loadConfig(dir, { RVM_VISION__ENABLED: 'false' }),
    logger,
    runtime: { runtime: 'headless', electronVersion: null },
  });
  await core.monitor.sampleNow(); // warm-up (first CPU reading, prepared statements)
  const wallStart = performance.now();
  const cpuStart = cpuMs();
  for (let i = 0; i < SAMPLES; i++) await core.monitor.sampleNow();
  const cpuPerSample = (cpuMs() - cpuStart) / SAMPLES;
  const wallPerSample = (performance.now() - wallStart) / SAMPLES;
  core.stop();
  cleanup();
  console.log(
    `sampling: ${SAMPLES} samples, CPU ${cpuPerSample.toFixed(2)} ms per sample (wall ${wallPerSample.toFixed(1)} ms)`,
  );
  console.log(
    `sampling CPU at one sample per ${INTERVAL_S} s: ${((cpuPerSample / (INTERVAL_S * 1000)) * 100).toFixed(3)} % of one core (target < 1 %)`,
  );
}

// 2. History size: 24 simulated hours (plus one) of 5-s samples with realistic, varying values.
{
  const { dir, cleanup } = tempDir('rvm-bench-monitor-');
  const path = join(dir, 'monitor.db');
  const store = new MetricsStore(path, logger, INTERVAL_S);
  const start = Date.UTC(2026, 10, 22);
  const end = start + 25 * 3600_000;
  let n = 0;
  const t0 = performance.now();
  for (let at = start; at < end; at += INTERVAL_S * 1000, n++) {
    const wave = Math.sin(n / 50);
    store.add({
      at,
      cpuPercent: 40 + 30 * wave + Math.random() * 5,
      memoryPercent: 55 + Math.random(),
      diskPercent: 61.3,
      temperatureC: null,
      inferenceMs: 60 + Math.random() * 20,
      workerInferenceMs: 55 + Math.random() * 15,
      verdictLatencyMs: 300 + Math.random() * 100,
      detectionsPerS: 5 + Math.random(),
      droppedFramesPerMin: Math.round(1400 + Math.random() * 50),
      workerRestarts: 2,
      workerRestarts10m: 0,
      workerUnstable: 0,
      cameraDown: 0,
      chamberViewOccupied: 0,
      eventLoopLagMs: 12 + Math.random() * 3,
      outboxBacklog: Math.round(Math.random() * 20),
      outboxOldestAgeS: Math.round(Math.random() * 300),
      platformDown: 0,
      binLevelPercent: (n / 300) % 100,
      hardwareFault: 0,
      storageFault: 0,
      printerFault: null,
      printerPaperLow: null,
      configFault: 0,
      itemsPerHour: Math.round(60 + 20 * wave),
      deliveryFailuresPerHour: 0,
      detectorErrorsPerHour: 0,
      rejectRatio: 0.1,
      backupUsePercent: 12.5,
      backupAgeH: (n % 720) / 720,
    });
  }
  const addMs = (performance.now() - t0) / n;
  const day = store.history(86_400, end - INTERVAL_S * 1000);
  const hour = store.history(3600, end - INTERVAL_S * 1000);
  store.close(); // checkpoints the WAL into the file
  const files = ['', '-wal', '-shm'].map((s) => {
    try {
      return statSync(path + s).size;
    } catch {
      return 0;
    }
  });
  const total = files.reduce((a, b) => a + b, 0);
  console.log(
    `history: ${n} samples over 25 simulated hours, ${addMs.toFixed(3)} ms per stored sample; kept ${hour.samples.length} 5-s rows + ${day.samples.length} 1-min rows`,
  );
  console.log(`metrics database after 24 h: ${(total / 2 ** 20).toFixed(2)} MB on disk (target < 20 MB)`);
  rmSync(path, { force: true });
  cleanup();
}
