import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { ItemResult } from '../../src-preload/contract';
import { useWorkerLauncher } from '../../test/support/worker-launcher';
import { tempDir } from '../../test/support/test-core';
import { loadConfig } from '../config/config.loader';
import { createLogger } from '../log/logger';
import { KioskCore } from './kiosk-core';

const MODEL = resolve('..', 'shared', 'models', 'yolov8n-det-int8-640.onnx');
const CHAMBER = resolve('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const ctx = { transport: 'ws', client: 'test' } as const;

const launcher = useWorkerLauncher();

const cores: KioskCore[] = [];
const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => {
  cores.splice(0).forEach((c) => c.stop());
  dirs.splice(0).forEach((d) => d.cleanup());
});

async function core(env: NodeJS.ProcessEnv, setup: (dir: string) => void | Promise<void> = () => undefined) {
  const t = tempDir('rvm-core-vision-');
  dirs.push(t);
  await setup(t.dir);
  const k = new KioskCore({
    dataDir: t.dir,
    loaded: loadConfig(t.dir, { RVM_SETUP__ENABLED: 'false', ...env }),
    logger,
    runtime: { runtime: 'headless', electronVersion: null },
    visionLauncher: launcher(),
  });
  cores.push(k);
  k.start();
  return { core: k, dir: t.dir };
}

describe('KioskCore with vision', () => {
  it('is out of service, still answering, when no model is installed', async () => {
    const { core: k } = await core({ RVM_VISION__CAMERA: '{"kind": "replay", "folder": "/nonexistent"}' });
    await expect
      .poll(async () => JSON.stringify(await k.router.dispatch('app.health', undefined, ctx)))
      .toMatch(/out_of_service.*no usable model: cannot read the model manifest .*models\/manifest\.json/);
    expect(await k.router.dispatch('app.info', undefined, ctx)).toMatchObject({ ok: true });
    expect(await k.router.dispatch('deposit.start', undefined, ctx)).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_SERVICE' },
    });
  });

  it('is out of service with the reason when the model file is corrupt', async () => {
    const { core: k } = await core({}, (dir) => {
      mkdirSync(join(dir, 'models'));
      writeFileSync(join(dir, 'models', 'broken.onnx'), readFileSync(MODEL).subarray(0, 30_000));
      writeFileSync(join(dir, 'models', 'manifest.json'), JSON.stringify({ model: 'broken.onnx', classes: {} }));
    });
    await expect
      .poll(async () => JSON.stringify(await k.router.dispatch('app.health', undefined, ctx)), { timeout: 10_000 })
      .toMatch(/the model cannot run: .*broken\.onnx/);
    expect(k.vision?.supervisor?.state).toBe('model_refused');
  });

  it('refuses a manifest that names classes its model does not have, with the classes named', async () => {
    // Rules written for a chamber model (mineral, soda) put beside the COCO fixture: not half-applied.
    const { core: k } = await core({ RVM_VISION__CAMERA: '{"kind": "replay", "folder": "/nonexistent"}' }, (dir) => {
      mkdirSync(join(dir, 'models'));
      const classes = { mineral: { material: 'pet' }, soda: { material: 'aluminium' }, bottle: { material: 'pet' } };
      writeFileSync(join(dir, 'models', 'manifest.json'), JSON.stringify({ model: MODEL, classes }));
    });
    await expect
      .poll(async () => JSON.stringify(await k.router.dispatch('app.health', undefined, ctx)), { timeout: 15_000 })
      .toMatch(/names classes the model does not have \(mineral, soda\); the model's are person, bicycle/);
  });

  it('credits an item the camera sees during a session', async () => {
    const { core: k } = await core({}, async (dir) => {
      // The replay: an empty chamber floor, then the chamber with a bottle, then empty again.
      const folder = join(dir, 'frames');
      mkdirSync(folder);
      const empty = join(dir, 'empty.png');
      await sharp(CHAMBER).blur(30).png().toFile(empty);
      const sequence = [...Array(8).fill(empty), ...Array(8).fill(CHAMBER), ...Array(8).fill(empty)];
      sequence.forEach((file, i) => copyFileSync(file, join(folder, `${String(i).padStart(3, '0')}${file.slice(-4)}`)));
      // The COCO fixture model calls this chamber bottle a "toothbrush": the manifest, not code, says what a class is.
      mkdirSync(join(dir, 'models'));
      const classes = { toothbrush: { material: 'pet' } };
      writeFileSync(
        join(dir, 'models', 'manifest.json'),
        JSON.stringify({ model: MODEL, detectConfidence: 0.4, minConfidence: 0.4, classes }),
      );
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({ vision: { camera: { kind: 'replay', folder, fps: 4, loop: false } } }),
      );
    });
    const items: ItemResult[] = [];
    k.hub.subscribe('deposit.item', (p) => items.push(p as ItemResult));
    expect(await k.router.dispatch('deposit.start', undefined, ctx)).toMatchObject({ ok: true });
    expect(await k.router.dispatch('deposit.identify', { kind: 'guest' }, ctx)).toMatchObject({ ok: true });
    await expect.poll(() => items.length, { timeout: 20_000 }).toBe(1);
    expect(items[0]).toMatchObject({ accepted: true, material: 'pet', className: 'toothbrush', points: 10 });
    expect(await k.router.dispatch('deposit.finish', undefined, ctx)).toMatchObject({
      ok: true,
      value: { totalPoints: 10 },
    });
    // What was measured on the way is kept for technicians: the worker's own time and the item's latency.
    const sample = await k.monitor.sampleNow();
    expect(sample.workerInferenceMs).toBeGreaterThan(0);
    expect(sample.inferenceMs).toBeGreaterThanOrEqual(sample.workerInferenceMs! * 0.5);
    expect(sample.verdictLatencyMs).toBeGreaterThan(0);
    // The platform's CAPTURE_IMAGE gets the newest chamber picture, without the letterbox bars.
    const picture = await sharp(Buffer.from((await k.vision!.captureFrame())!)).metadata();
    expect(picture).toMatchObject({ format: 'jpeg', width: 640 });
    expect(picture.height).toBeLessThan(640);
  }, 40_000);
});
