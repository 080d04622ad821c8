import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../../test/support/bundle.mjs';
import { tempDir } from '../../test/support/test-core';
import { systemClock } from '../kernel/clock';
import { createLogger } from '../log/logger';
import { InferenceSupervisor, type SupervisorOptions } from './inference.supervisor';
import { letterboxFor } from '../image/letterbox';
import { forkLauncher, type WorkerLauncher } from './worker-host';
import type { WorkerFrame } from './worker-protocol';

const MODEL = join('..', 'shared', 'models', 'yolov8n-det-int8-320.onnx');
const BUS = readFileSync(join('..', 'shared', 'images', 'coco', 'bus.jpg'));
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const load = { model: MODEL, conf: 0.25, iou: 0.45, threads: 1 };
const busFrame: WorkerFrame = { kind: 'encoded', data: new Uint8Array(BUS) };

let launch: WorkerLauncher;
let bundle: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(async () => {
  bundle = await bundleForNode('src-main/vision/inference-worker.ts');
  launch = forkLauncher(bundle);
  process.on('unhandledRejection', onUnhandled);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  const { rmSync } = await import('node:fs');
  rmSync(dirname(bundle), { recursive: true, force: true });
});

const supervisors: InferenceSupervisor[] = [];
afterEach(() => supervisors.splice(0).forEach((s) => s.stop()));
function supervisor(options: Partial<SupervisorOptions> = {}) {
  const s = new InferenceSupervisor({ launch, load, clock: systemClock, logger, ...options });
  supervisors.push(s);
  return s;
}
const names = (ds: Array<{ name: string }>) => ds.map((d) => d.name).sort();

describe('inference worker under supervision', () => {
  it('detects in a separate process, from an encoded image and from a letterboxed RGB frame', async () => {
    const s = supervisor();
    await s.start();
    expect(s.workerPid).not.toBe(process.pid);
    expect(names((await s.detect(busFrame)).detections)).toEqual(['bus', 'person', 'person', 'person', 'person']);
    const letterbox = letterboxFor(810, 1080, [320, 320]);
    const rgb = await sharp(BUS)
      .resize(240, 320, { fit: 'fill' })
      .extend({ left: 40, right: 40, background: { r: 114, g: 114, b: 114 } })
      .raw()
      .toBuffer();
    const fromRgb = await s.detect({ kind: 'rgb', data: new Uint8Array(rgb), letterbox });
    expect(fromRgb.detections.filter((d) => d.name === 'bus')).toHaveLength(1);
    // The worker's own times come back with each frame (the camera path's frame went through a RAM slot).
    expect(fromRgb.workerMs!.run).toBeGreaterThan(0);
    expect(fromRgb.workerMs!.total).toBeGreaterThanOrEqual(fromRgb.workerMs!.run);
    expect(s.metrics()).toMatchObject({ state: 'ready', restarts: 0, inFlight: 0 });
    expect(s.metrics().inferenceMsEma).toBeGreaterThan(0);
  });

  it('restarts a worker SIGKILLed mid-inference and serves the next frame', async () => {
    const s = supervisor();
    await s.start();
    const first = s.workerPid!;
    const inFlight = s.detect(busFrame);
    process.kill(first, 'SIGKILL');
    await expect(inFlight).rejects.toThrow(/restarted/);
    await s.whenSettled();
    expect(s.workerPid).not.toBe(first);
    expect(names((await s.detect(busFrame)).detections)).toContain('bus');
    expect(s.metrics().restarts).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it('restarts a worker whose detection hangs (SIGSTOP)', async () => {
    const s = supervisor({ hangMs: 800 });
    await s.start();
    const stuck = s.workerPid!;
    process.kill(stuck, 'SIGSTOP');
    await expect(s.detect(busFrame)).rejects.toThrow(/hung for more than 800 ms/);
    await s.whenSettled();
    expect(s.workerPid).not.toBe(stuck);
    expect(names((await s.detect(busFrame)).detections)).toContain('bus');
    expect(unhandled).toEqual([]);
  });

  it('backs off and raises vision.worker_unstable when the worker keeps dying', async () => {
    const conditions: Array<[string, boolean]> = [];
    const s = supervisor({
      maxRestarts: 2,
      backoffMs: 60_000,
      onCondition: (name, active) => conditions.push([name, active]),
    });
    await s.start();
    for (let i = 0; i < 3; i++) {
      process.kill(s.workerPid!, 'SIGKILL');
      await expect.poll(() => s.metrics().restarts, { timeout: 5000 }).toBe(i + 1);
      await s.whenSettled();
    }
    expect(s.state).toBe('backoff');
    expect(conditions).toEqual([['vision.worker_unstable', true]]);
    await expect(s.detect(busFrame)).rejects.toThrow(/not ready \(backoff\)/);
  });

  it('keeps the kiosk up on a corrupt model, with the reason to show', async () => {
    const t = tempDir('rvm-model-');
    const corrupt = join(t.dir, 'corrupt.onnx');
    writeFileSync(corrupt, readFileSync(MODEL).subarray(0, 40_000));
    const s = supervisor({ load: { ...load, model: corrupt } });
    await expect(s.start()).rejects.toThrow(/corrupt\.onnx/);
    expect(s.state).toBe('model_refused');
    expect(s.refusal).toMatch(/corrupt\.onnx/);
    expect(s.metrics().restarts).toBe(0);
    t.cleanup();
  });
});
