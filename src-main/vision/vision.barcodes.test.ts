import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemVerdict } from '../../src-preload/contract';
import { CHAMBER, chamberWithCode } from '../../test/support/barcode-picture';
import { tempDir } from '../../test/support/test-core';
import { useWorkerLauncher } from '../../test/support/worker-launcher';
import { ReplayCamera } from '../camera/replay.camera';
import { systemClock } from '../kernel/clock';
import { createLogger } from '../log/logger';
import { BarcodeScanner } from './barcode-scanner';
import { InferenceSupervisor } from './inference.supervisor';
import { ManifestSchema } from './model-manifest';
import { VisionPipeline } from './vision.pipeline';
import type { FromBarcodeWorker, ToBarcodeWorker } from './worker-protocol';

// Barcodes come from the camera's own full-resolution picture, not the model's input: a small code
// turned any way reads the same whether the model runs at 320 or 640, and whatever the model sees.

const CODE = '8991002101234';
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const inference = useWorkerLauncher();
const barcodes = useWorkerLauncher<ToBarcodeWorker, FromBarcodeWorker>('src-main/vision/barcode-worker.ts');

describe('barcodes through the vision pipeline', () => {
  const t = tempDir('rvm-barcodes-');
  const folders: Record<number, string> = {};

  beforeAll(async () => {
    const empty = join(t.dir, 'empty.png');
    await sharp(CHAMBER).resize(1280, 720).blur(30).png().toFile(empty);
    for (const rotate of [90, 270]) {
      // The smallest code bwip-js draws (1 px per module, ~100 px wide) on the bottle in a 720p picture.
      const item = join(t.dir, `item-${rotate}.png`);
      await (await chamberWithCode('ean13', CODE, rotate)).png().toFile(item);
      const folder = (folders[rotate] = join(t.dir, `frames-${rotate}`));
      mkdirSync(folder);
      const sequence = [...Array(6).fill(empty), ...Array(16).fill(item), ...Array(6).fill(empty)];
      sequence.forEach((file, i) => copyFileSync(file, join(folder, `${String(i).padStart(3, '0')}.png`)));
    }
  });
  afterAll(() => t.cleanup());

  it.each([
    [320, 90],
    [640, 270],
  ])(
    'reads a small code turned %i° while the %i model runs, and the list decides',
    async (size, rotate) => {
      const model = join('..', 'shared', 'models', `yolov8n-det-int8-${size}.onnx`);
      const supervisor = new InferenceSupervisor({
        launch: inference(),
        load: { model, conf: 0.4, iou: 0.45, threads: 1 },
        clock: systemClock,
        logger,
      });
      await supervisor.start();
      const scanner = new BarcodeScanner({ launch: barcodes(), clock: systemClock, logger });
      const verdicts: ItemVerdict[] = [];
      let emptied = 0;
      const camera = new ReplayCamera({ folder: folders[rotate]!, fps: 4, size: [size, size], loop: false });
      const pipeline = new VisionPipeline({
        camera,
        supervisor,
        // No class rules: whatever the COCO model calls the bottle, it is not an item it knows.
        manifest: {
          ...ManifestSchema.parse({ model: 'm.onnx', detectConfidence: 0.4, classes: {} }),
          modelPath: model,
        },
        logger,
        // The scheme lists another product: this code must reject the item, whatever the model saw.
        eligibleBarcodes: { '4006381333931': 'pet' },
        barcodes: scanner,
        waitForBarcodeMs: 2000,
        onVerdict: (v) => verdicts.push(v),
        onChamberEmpty: () => emptied++,
      });
      pipeline.start();
      await expect.poll(() => camera.state, { timeout: 30_000, interval: 100 }).toBe('ended');
      await expect.poll(() => emptied, { timeout: 5000 }).toBe(1);
      pipeline.stop();
      scanner.stop();
      supervisor.stop();
      expect(verdicts).toEqual([
        expect.objectContaining({ barcode: CODE, accepted: false, reason: 'ineligible_barcode' }),
      ]);
      expect(scanner.counts.found).toBeGreaterThanOrEqual(1);
    },
    60_000,
  );
});
