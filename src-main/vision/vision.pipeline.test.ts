import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemVerdict } from '../../src-preload/contract';
import { bundleForNode } from '../../test/support/bundle.mjs';
import { tempDir } from '../../test/support/test-core';
import { ReplayCamera } from '../camera/replay.camera';
import { systemClock } from '../kernel/clock';
import { createLogger } from '../log/logger';
import { InferenceSupervisor } from './inference.supervisor';
import { ManifestSchema } from './model-manifest';
import { VisionPipeline } from './vision.pipeline';
import { forkLauncher } from './worker-host';

const MODEL = join('..', 'shared', 'models', 'yolov8n-det-int8-640.onnx');
const CHAMBER = join('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });

describe('vision pipeline: replay camera → presence gate → worker → verdict', () => {
  const t = tempDir('rvm-replay-');
  let bundle: string;
  let supervisor: InferenceSupervisor;

  beforeAll(async () => {
    // The sequence: an empty chamber floor, then the chamber with a bottle, then empty again.
    const folder = join(t.dir, 'frames');
    mkdirSync(folder);
    const empty = join(t.dir, 'empty.png');
    await sharp(CHAMBER).blur(30).png().toFile(empty);
    const sequence = [...Array(8).fill(empty), ...Array(8).fill(CHAMBER), ...Array(8).fill(empty)];
    sequence.forEach((file, i) => copyFileSync(file, join(folder, `${String(i).padStart(3, '0')}${file.slice(-4)}`)));
    bundle = await bundleForNode('src-main/vision/inference-worker.ts');
    supervisor = new InferenceSupervisor({
      launch: forkLauncher(bundle),
      load: { model: MODEL, conf: 0.4, iou: 0.45, threads: 2 },
      clock: systemClock,
      logger,
    });
    await supervisor.start();
  });
  afterAll(() => {
    supervisor.stop();
    rmSync(dirname(bundle), { recursive: true, force: true });
    t.cleanup();
  });

  /** Replays `folder` at 4 fps through the pipeline until the chamber is empty again; its verdicts. */
  async function replay(folder: string, classes: Record<string, { material: string }>, undecidedItemMs?: number) {
    const manifest = {
      ...ManifestSchema.parse({ model: 'm.onnx', detectConfidence: 0.4, classes }),
      modelPath: MODEL,
    };
    const verdicts: ItemVerdict[] = [];
    let emptied = 0;
    const camera = new ReplayCamera({ folder, fps: 4, size: [640, 640], loop: false });
    const pipeline = new VisionPipeline({
      camera,
      supervisor,
      manifest,
      logger,
      ...(undecidedItemMs ? { undecidedItemMs } : {}),
      onVerdict: (v) => verdicts.push(v),
      onChamberEmpty: () => emptied++,
    });
    pipeline.start();
    // 4 fps leaves the detector time even on a loaded 2-core machine (frames it misses are dropped by design).
    await expect.poll(() => camera.state, { timeout: 20_000, interval: 100 }).toBe('ended');
    await expect.poll(() => emptied, { timeout: 5000 }).toBe(1);
    pipeline.stop();
    return verdicts;
  }

  it('produces exactly one verdict for the one item, then reports the chamber empty', async () => {
    // A COCO model does not know chamber bottles; with no class rules the item is "unknown".
    const verdicts = await replay(join(t.dir, 'frames'), {});
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ accepted: false, reason: 'unknown_item' });
  }, 40_000);

  it('answers an item the model sees nothing on: unknown_item within the bound, never silence', async () => {
    // A plain grey board on the chamber floor: the gate sees something arrive, the COCO model sees nothing.
    const folder = join(t.dir, 'blank-item');
    mkdirSync(folder);
    const { width, height } = await sharp(CHAMBER).metadata();
    const empty = join(t.dir, 'empty.png');
    const board = join(t.dir, 'board.png');
    const square = await sharp({
      create: { width: Math.round(width / 3), height: Math.round(height / 3), channels: 3, background: '#7a7a7a' },
    })
      .png()
      .toBuffer();
    await sharp(empty)
      .composite([{ input: square, gravity: 'centre' }])
      .png()
      .toFile(board);
    const sequence = [...Array(6).fill(empty), ...Array(16).fill(board), ...Array(6).fill(empty)];
    sequence.forEach((file, i) => copyFileSync(file, join(folder, `${String(i).padStart(3, '0')}.png`)));
    const verdicts = await replay(folder, { bottle: { material: 'pet' } }, 1500);
    expect(verdicts).toEqual([expect.objectContaining({ accepted: false, reason: 'unknown_item' })]);
  }, 40_000);

  it('says so when the chamber it learnt as empty holds an item (a replay with no empty frames)', async () => {
    // Only bottle frames: the presence gate learns the bottle as the empty chamber and nothing ever arrives.
    const folder = join(t.dir, 'full');
    mkdirSync(folder);
    for (let i = 0; i < 8; i++) copyFileSync(CHAMBER, join(folder, `${String(i).padStart(3, '0')}.jpg`));
    const manifest = {
      ...ManifestSchema.parse({
        model: 'm.onnx',
        detectConfidence: 0.4,
        minConfidence: 0.4,
        classes: { toothbrush: { material: 'pet' } },
      }),
      modelPath: MODEL,
    };
    const problems: Array<string | null> = [];
    const verdicts: ItemVerdict[] = [];
    const camera = new ReplayCamera({ folder, fps: 4, size: [640, 640], loop: false });
    const pipeline = new VisionPipeline({
      camera,
      supervisor,
      manifest,
      logger,
      onVerdict: (v) => verdicts.push(v),
      onChamberEmpty: () => undefined,
      onEmptyView: (problem) => problems.push(problem),
    });
    pipeline.start();
    await expect.poll(() => problems.length, { timeout: 20_000, interval: 100 }).toBeGreaterThan(0);
    pipeline.stop();
    expect(problems[0]).toMatch(/the chamber never looks empty: the detector sees toothbrush \(0\.\d\d\)/);
    expect(problems[0]).toMatch(/Restart camera/);
    expect(verdicts).toEqual([]);
  }, 40_000);
});
