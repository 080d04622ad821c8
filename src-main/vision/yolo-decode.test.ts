import { describe, expect, it } from 'vitest';
import { ModelError } from './model-info';
import { parsePythonNames } from './model-info';
import { decodeCandidates, iou, layoutOf, nms } from './yolo-decode';

describe('output layouts', () => {
  it('recognises v8, v5 and segmentation heads, and names any other shape', () => {
    expect(layoutOf([1, 84, 8400], 80, 'detect', 'm')).toEqual({
      kind: 'v8',
      anchors: 8400,
      classes: 80,
      maskCoefficients: 0,
    });
    expect(layoutOf([1, 25200, 85], 80, 'detect', 'm')).toEqual({
      kind: 'v5',
      anchors: 25200,
      classes: 80,
      maskCoefficients: 0,
    });
    expect(layoutOf([1, 116, 2100], 80, 'segment', 'm')).toMatchObject({ kind: 'v8', maskCoefficients: 32 });
    expect(() => layoutOf([1, 300, 6], 80, 'detect', 'end2end.onnx')).toThrow(ModelError);
    expect(() => layoutOf([1, 300, 6], 80, 'detect', 'end2end.onnx')).toThrow(
      /output shape \[1, 300, 6\] is not a YOLO detect head for 80 classes/,
    );
  });

  it('decodes a v8 tensor (channels first, no objectness)', () => {
    // 2 classes, 3 anchors: rows cx, cy, w, h, class0, class1.
    const n = 3;
    const data = new Float32Array([
      ...[50, 10, 0], // cx
      ...[50, 10, 0], // cy
      ...[20, 4, 0], // w
      ...[10, 4, 0], // h
      ...[0.9, 0.1, 0.01], // class 0
      ...[0.2, 0.6, 0.01], // class 1
    ]);
    const out = decodeCandidates(data, { kind: 'v8', anchors: n, classes: 2, maskCoefficients: 0 }, 0.25);
    expect(out).toEqual([
      { classId: 0, score: expect.closeTo(0.9, 5), box: [40, 45, 60, 55] },
      { classId: 1, score: expect.closeTo(0.6, 5), box: [8, 8, 12, 12] },
    ]);
  });

  it('decodes a v5 tensor (rows, objectness times class score)', () => {
    const data = new Float32Array([
      ...[50, 50, 20, 10, 0.5, 0.9, 0.1], // 0.45 for class 0
      ...[10, 10, 4, 4, 0.2, 0.1, 0.9], // objectness below threshold
    ]);
    const out = decodeCandidates(data, { kind: 'v5', anchors: 2, classes: 2, maskCoefficients: 0 }, 0.25);
    expect(out).toEqual([{ classId: 0, score: expect.closeTo(0.45, 5), box: [40, 45, 60, 55] }]);
  });
});

describe('class-aware NMS', () => {
  it('suppresses overlaps within a class only', () => {
    const a = { classId: 0, score: 0.9, box: [0, 0, 10, 10] as [number, number, number, number] };
    const b = { classId: 0, score: 0.8, box: [1, 1, 11, 11] as [number, number, number, number] };
    const c = { classId: 1, score: 0.7, box: [1, 1, 11, 11] as [number, number, number, number] };
    expect(iou(a.box, b.box)).toBeGreaterThan(0.45);
    expect(nms([b, c, a], 0.45)).toEqual([a, c]);
  });
});

describe('names metadata', () => {
  it('reads Python dict literals with either quote and escapes', () => {
    expect(parsePythonNames(`{0: 'mineral', 1: "it's", 2: 'not_empty'}`)).toEqual(['mineral', "it's", 'not_empty']);
    expect(() => parsePythonNames(`{0: 'a', 2: 'b'}`)).toThrow(/must run 0, 1, 2/);
    expect(() => parsePythonNames(`['a', 'b']`)).toThrow(/not a dict literal/);
  });
});
