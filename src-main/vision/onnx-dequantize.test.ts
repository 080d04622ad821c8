import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fieldsOf, readNode } from './onnx-graph';
import { dequantizeConvs } from './onnx-dequantize';
import { readOnnxMetadata } from './onnx-metadata';
import { letterboxImage } from '../image/letterbox';

const MODELS = join('..', 'shared', 'models');
if (!existsSync(MODELS)) throw new Error(`${MODELS} is missing: the tests read the fixture models from ../shared/`);

const opCounts = (bytes: Uint8Array) => {
  const graph = fieldsOf(bytes).find((f) => f.field === 7)!;
  const counts: Record<string, number> = {};
  for (const f of fieldsOf(bytes, ...graph.payload!)) {
    if (f.field === 1) {
      const op = readNode(bytes, f.payload!).opType;
      counts[op] = (counts[op] ?? 0) + 1;
    }
  }
  return counts;
};

async function outputs(bytes: Uint8Array, tensor: Float32Array, size: number) {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2 });
  const result = await session.run({ images: new ort.Tensor('float32', tensor, [1, 3, size, size]) });
  const data = result[session.outputNames[0]!]!.data as Float32Array;
  await session.release();
  return data;
}

describe.each([
  ['yolov8n-det-int8-320.onnx', 320, 64],
  ['yolov8n-seg-int8-320.onnx', 320, 76],
])('dequantizeConvs(%s)', (file, size, convs) => {
  const original = new Uint8Array(readFileSync(join(MODELS, file)));
  const rewritten = dequantizeConvs(original);

  it('replaces every quantised conv chain with one float Conv and keeps the metadata', () => {
    expect(rewritten).toMatchObject({ converted: convs, total: convs });
    const before = opCounts(original);
    const after = opCounts(rewritten.bytes);
    expect(after.ConvInteger ?? 0).toBe(0);
    expect(after.Cast ?? 0).toBe((before.Cast ?? 0) - convs);
    expect(after.Conv).toBe(convs);
    expect(after.DynamicQuantizeLinear ?? 0).toBe(0);
    expect(readOnnxMetadata(rewritten.bytes)).toEqual(readOnnxMetadata(original));
  });

  it('computes what the quantised model computes, to quantisation noise', async () => {
    const { tensor } = await letterboxImage(join('..', 'shared', 'images', 'coco', 'bus.jpg'), [size, size]);
    const [a, b] = [await outputs(original, tensor, size), await outputs(rewritten.bytes, tensor, size)];
    expect(b.length).toBe(a.length);
    // Rows: 4 box values in input pixels, then 80 class scores; columns: 2100 anchors. Scores are
    // compared everywhere; boxes where either model sees something (score ≥ 0.25), since the box of
    // an anchor that sees nothing is noise in both.
    const anchors = 2100;
    let boxError = 0;
    let scoreError = 0;
    let confident = 0;
    for (let i = 0; i < anchors; i++) {
      let best = 0;
      for (let row = 4; row < 84; row++) {
        const [x, y] = [a[row * anchors + i]!, b[row * anchors + i]!];
        scoreError = Math.max(scoreError, Math.abs(x - y));
        best = Math.max(best, x, y);
      }
      if (best < 0.25) continue;
      confident++;
      for (let row = 0; row < 4; row++)
        boxError = Math.max(boxError, Math.abs(a[row * anchors + i]! - b[row * anchors + i]!));
    }
    expect(confident).toBeGreaterThan(10);
    expect(boxError).toBeLessThan(5); // measured ≈ 2.5 px
    expect(scoreError).toBeLessThan(0.1); // measured ≈ 0.04
    expect(scoreError).toBeGreaterThan(0); // a different computation, not the same graph
  });

  it('leaves a model with nothing to convert as it is', () => {
    const again = dequantizeConvs(rewritten.bytes);
    expect(again).toMatchObject({ converted: 0, total: 0 });
    expect(again.bytes).toBe(rewritten.bytes);
  });
});

it('refuses bytes that are not a model', () => {
  expect(() => dequantizeConvs(new Uint8Array([0x08, 0x07]))).toThrow(/no graph/);
});
