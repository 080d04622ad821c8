import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ItemVerdictSchema } from '../../src-preload/contract';
import { tempDir } from '../../test/support/test-core';
import { VerdictAggregator } from './item-verdict';
import { loadManifest, ManifestSchema } from './model-manifest';
import type { Detection } from './yolo-decode';

const manifest = {
  ...ManifestSchema.parse({
    model: 'x.onnx',
    classes: {
      mineral: { material: 'pet' },
      soda: { material: 'aluminium', minConfidence: 0.7 },
      hand: { reject: 'reject_class' },
    },
  }),
  modelPath: '/models/x.onnx',
};
const det = (name: string, score = 0.9, classId = 0): Detection => ({ classId, name, score, box: [10, 20, 110, 220] });

function run(frames: Detection[][]) {
  const agg = new VerdictAggregator(manifest);
  return frames.map((f) => agg.onFrame(f)).filter(Boolean);
}

describe('VerdictAggregator', () => {
  it('accepts after 3 agreeing frames, once', () => {
    const verdicts = run([
      [det('mineral', 0.8)],
      [det('mineral', 0.9)],
      [det('mineral', 0.85)],
      [det('mineral')],
      [det('mineral')],
    ]);
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ className: 'mineral', material: 'pet', accepted: true, reason: null });
    expect(verdicts[0]!.confidence).toBeCloseTo(0.85, 5);
    expect(ItemVerdictSchema.safeParse(verdicts[0]).success).toBe(true);
  });

  it('needs the frames to agree in a row', () => {
    expect(run([[det('mineral')], [det('soda')], [det('mineral')], [det('mineral')]])).toEqual([]);
    expect(run([[det('mineral')], [], [det('mineral')], [det('mineral')], [det('mineral')]])).toHaveLength(1);
  });

  it.each([
    ['a reject class', [[det('hand')], [det('hand')], [det('hand')]], 'reject_class'],
    ['an unknown class', [[det('dog')], [det('dog')], [det('dog')]], 'unknown_item'],
    ['low confidence', [[det('soda', 0.6)], [det('soda', 0.65)], [det('soda', 0.6)]], 'low_confidence'],
    [
      'two items',
      [
        [det('mineral'), det('soda')],
        [det('mineral'), det('soda')],
        [det('mineral'), det('mineral')],
      ],
      'multiple_items',
    ],
  ])('rejects %s', (_name, frames, reason) => {
    expect(run(frames as Detection[][])).toEqual([expect.objectContaining({ accepted: false, reason })]);
  });

  it('says "moved out" for an item looked at that left unanswered, even one the model never saw', () => {
    const agg = new VerdictAggregator(manifest);
    agg.onFrame([], null, 1000);
    agg.onFrame([], null, 1100);
    // Two looks (fewer than the 3 votes): a flicker of the gate, not an item: nothing to say.
    expect(agg.onEmpty()).toBeNull();
    // Three looks within a second: a passing shadow, still nothing to say.
    for (const at of [2000, 2100, 2200]) agg.onFrame([], null, at);
    expect(agg.onEmpty()).toBeNull();
    for (const at of [4000, 4500, 5000]) agg.onFrame([], null, at);
    expect(agg.onEmpty()).toMatchObject({ accepted: false, reason: 'moved_out', className: 'unknown' });
    agg.onFrame([det('mineral')], null, 3000);
    agg.onFrame([], null, 3100);
    expect(agg.onEmpty()).toMatchObject({ reason: 'moved_out', className: 'mineral' });
  });

  it('says "moved out" when an item leaves before a verdict, and starts over for the next', () => {
    const agg = new VerdictAggregator(manifest);
    agg.onFrame([det('mineral')]);
    expect(agg.onEmpty()).toMatchObject({ accepted: false, reason: 'moved_out' });
    expect(agg.onEmpty()).toBeNull();
    agg.onFrame([det('mineral')]);
    agg.onFrame([det('mineral')]);
    expect(agg.onFrame([det('mineral')])).toMatchObject({ accepted: true });
    expect(agg.onEmpty()).toBeNull();
  });
});

describe('barcodes as a second signal', () => {
  const eligible = { '8991002101234': 'pet' };
  const votes = (agg: VerdictAggregator, d: Detection, code: string | null) =>
    [agg.onFrame([d], code), agg.onFrame([d], null), agg.onFrame([d], null)].find(Boolean);

  it('accepts an item the model is unsure of when its barcode is eligible', () => {
    const agg = new VerdictAggregator(manifest, eligible);
    expect(votes(agg, det('dog'), '8991002101234')).toMatchObject({
      accepted: true,
      material: 'pet',
      barcode: '8991002101234',
    });
  });

  it('rejects an item whose barcode is not on the list, even one the model liked', () => {
    const agg = new VerdictAggregator(manifest, eligible);
    expect(votes(agg, det('mineral'), '4006381333931')).toMatchObject({
      accepted: false,
      reason: 'ineligible_barcode',
    });
  });

  it('never overrides a reject class, and only attaches the barcode when no list is configured', () => {
    expect(votes(new VerdictAggregator(manifest, eligible), det('hand'), '8991002101234')).toMatchObject({
      accepted: false,
      reason: 'reject_class',
    });
    expect(votes(new VerdictAggregator(manifest), det('mineral'), '4006381333931')).toMatchObject({
      accepted: true,
      barcode: '4006381333931',
    });
  });
});

describe('segmentation masks', () => {
  it('the verdict carries the best frame’s outline (rounded, at most 200 points) for the platform', () => {
    const ring = Array.from({ length: 500 }, (_, i): [number, number] => [
      100 + 50 * Math.cos((i / 500) * 2 * Math.PI),
      100 + 50 * Math.sin((i / 500) * 2 * Math.PI),
    ]);
    const masked = { ...det('mineral'), mask: ring };
    const [verdict] = run([[masked], [masked], [masked]]);
    expect(verdict!.mask!.length).toBeLessThanOrEqual(200);
    expect(verdict!.mask!.every(([x, y]) => Number.isInteger(x) && Number.isInteger(y))).toBe(true);
    expect(ItemVerdictSchema.safeParse(verdict).success).toBe(true);
    expect(run([[det('mineral')], [det('mineral')], [det('mineral')]])[0]).not.toHaveProperty('mask');
  });
});

describe('an item never goes unanswered', () => {
  /** Frames every 250 ms from t = 1000. */
  const timed = (agg: VerdictAggregator, frames: Detection[][], barcode: string | null = null) =>
    frames.map((f, i) => agg.onFrame(f, barcode, 1000 + i * 250)).filter(Boolean);

  it('answers unknown_item when the model sees nothing on it for the bound', () => {
    const verdicts = timed(new VerdictAggregator(manifest, {}, { undecidedMs: 2000 }), Array(12).fill([]));
    expect(verdicts).toEqual([
      {
        className: 'unknown',
        material: null,
        confidence: 0,
        accepted: false,
        reason: 'unknown_item',
        box: [0, 0, 0, 0],
      },
    ]);
    expect(ItemVerdictSchema.safeParse(verdicts[0]).success).toBe(true);
  });

  it('answers unknown_item, naming the best guess, when the votes keep disagreeing', () => {
    const flip = Array.from({ length: 12 }, (_, i) => [i % 2 ? det('mineral', 0.8) : det('soda', 0.6)]);
    const verdicts = timed(new VerdictAggregator(manifest, {}, { undecidedMs: 2000 }), flip);
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ accepted: false, reason: 'unknown_item', className: 'mineral' });
  });

  it('does not cut short an item whose votes agree in time, and starts over for the next item', () => {
    const agg = new VerdictAggregator(manifest, {}, { undecidedMs: 2000 });
    expect(timed(agg, [[], [], [det('mineral')], [det('mineral')], [det('mineral')]])).toMatchObject([
      { accepted: true, className: 'mineral' },
    ]);
    expect(agg.onEmpty()).toBeNull();
    expect(agg.onFrame([], null, 10_000)).toBeNull();
    expect(agg.onFrame([], null, 11_000)).toBeNull();
    expect(agg.onFrame([], null, 12_000)).toMatchObject({ reason: 'unknown_item' });
  });

  it('lets an eligible barcode take what the model could not name, but not an item it never outlined', () => {
    const named = new VerdictAggregator(manifest, { '8991002101234': 'pet' }, { undecidedMs: 2000 });
    expect(timed(named, Array(12).fill([det('dog', 0.3)]), '8991002101234')).toMatchObject([
      { accepted: true, material: 'pet', barcode: '8991002101234' },
    ]);
    // Nothing outlined at all: a code alone (a label held up to the camera) is no item.
    const unseen = new VerdictAggregator(manifest, { '8991002101234': 'pet' }, { undecidedMs: 2000 });
    expect(timed(unseen, Array(12).fill([]), '8991002101234')).toMatchObject([
      { accepted: false, reason: 'unknown_item', barcode: '8991002101234' },
    ]);
  });
});

describe('waiting for the barcode read', () => {
  const eligible = { '8991002101234': 'pet' };

  it('holds the votes verdict until the item has a barcode read, then decides with it', () => {
    const agg = new VerdictAggregator(manifest, eligible, { waitForBarcodeMs: 1500 });
    expect(agg.wantsBarcode).toBe(true);
    for (const at of [1000, 1100, 1200]) expect(agg.onFrame([det('dog', 0.3)], null, at)).toBeNull();
    expect(agg.onBarcode(null, 1250)).toBeNull(); // a picture without a readable code: wait on
    expect(agg.wantsBarcode).toBe(true);
    expect(agg.onBarcode('8991002101234', 1300)).toMatchObject({ accepted: true, barcode: '8991002101234' });
    expect(agg.wantsBarcode).toBe(false);
    expect(agg.onFrame([det('dog', 0.3)], null, 1400)).toBeNull();
  });

  it('lets the verdict out without a code once the wait is over; an item gone meanwhile is moved out', () => {
    const agg = new VerdictAggregator(manifest, eligible, { waitForBarcodeMs: 1500 });
    for (const at of [1000, 1100, 1200]) expect(agg.onFrame([det('mineral')], null, at)).toBeNull();
    expect(agg.onFrame([det('mineral')], null, 2500)).toMatchObject({ accepted: true, className: 'mineral' });
    agg.onEmpty();
    // Voted "accept", then taken out before its code was read: nothing to take in, so no credit.
    for (const at of [5000, 5100, 5200]) agg.onFrame([det('mineral')], null, at);
    expect(agg.onEmpty()).toMatchObject({ accepted: false, reason: 'moved_out', material: null });
  });

  it('never waits when barcodes do not count', () => {
    const agg = new VerdictAggregator(manifest);
    agg.onFrame([det('mineral')], null, 1000);
    agg.onFrame([det('mineral')], null, 1100);
    expect(agg.onFrame([det('mineral')], null, 1200)).toMatchObject({ accepted: true });
  });
});

describe('the shape check', () => {
  const shaped = {
    ...ManifestSchema.parse({
      model: 'x.onnx',
      classes: {
        // A bottle fills 2–20 % of the picture and is 1.5–4 times as tall as wide.
        mineral: { material: 'pet', shape: { area: [0.02, 0.2], aspect: [1.5, 4] } },
        dog: { reject: 'reject_class' },
      },
    }),
    modelPath: '/models/x.onnx',
  };
  const picture = { width: 1000, height: 1000 };
  const at = (box: [number, number, number, number], name = 'mineral', score = 0.9): Detection => ({
    classId: 0,
    name,
    score,
    box,
  });
  const decide = (agg: VerdictAggregator, d: Detection, code: string | null = null) =>
    [0, 1, 2].map((i) => agg.onFrame([d], code, 1000 + i, picture)).find(Boolean);

  it('accepts an item within its class range and rejects one outside it as wrong_shape', () => {
    expect(decide(new VerdictAggregator(shaped), at([400, 300, 500, 550]))).toMatchObject({ accepted: true });
    // Far too small (a toy), then the right size lying flat in the wrong proportion (a crushed can).
    expect(decide(new VerdictAggregator(shaped), at([490, 490, 510, 530]))).toMatchObject({
      accepted: false,
      reason: 'wrong_shape',
      material: 'pet',
    });
    expect(decide(new VerdictAggregator(shaped), at([300, 450, 700, 520]))).toMatchObject({ reason: 'wrong_shape' });
  });

  it('measures the outline where the model has masks, not the box', () => {
    // A thin diagonal sliver: its box is a bottle's size, its mask area is a tenth of that.
    const box: [number, number, number, number] = [400, 300, 500, 550];
    const sliver: Array<[number, number]> = [
      [400, 300],
      [410, 300],
      [500, 550],
      [490, 550],
    ];
    expect(decide(new VerdictAggregator(shaped), { ...at(box), mask: sliver })).toMatchObject({
      reason: 'wrong_shape',
    });
  });

  it('lets an eligible code accept only an item shaped like its material', () => {
    const eligible = { '8991002101234': 'pet' };
    const unsure = (box: [number, number, number, number]) => at(box, 'unknown_thing', 0.5);
    expect(
      decide(new VerdictAggregator(shaped, eligible), unsure([400, 300, 500, 550]), '8991002101234'),
    ).toMatchObject({ accepted: true, material: 'pet' });
    expect(
      decide(new VerdictAggregator(shaped, eligible), unsure([490, 490, 510, 530]), '8991002101234'),
    ).toMatchObject({ accepted: false, reason: 'unknown_item', barcode: '8991002101234' });
  });

  it('refuses a manifest with a backwards range', () => {
    const bad = ManifestSchema.safeParse({
      model: 'x.onnx',
      classes: { mineral: { material: 'pet', shape: { area: [0.5, 0.1] } } },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/a range is \[lowest, highest\]/);
  });
});

describe('model manifest', () => {
  it('loads the example shipped in models/ and resolves the model beside it', () => {
    const m = loadManifest('models/manifest.example.json');
    expect(m.modelPath).toMatch(/models\/rvm-chamber-v3\.onnx$/);
    expect(m.classes.hand).toEqual({ reject: 'reject_class' });
  });

  it('loads the COCO fixtures manifest, whose model is the fixture beside the repository', () => {
    const m = loadManifest('models/manifest.coco-fixtures.json');
    expect(existsSync(m.modelPath)).toBe(true);
    expect(m.classes.toothbrush).toEqual({ material: 'pet' });
  });

  it('names the key and the rule of a bad manifest', () => {
    const t = tempDir('rvm-manifest-');
    const path = join(t.dir, 'manifest.json');
    writeFileSync(
      path,
      JSON.stringify({ model: 'm.onnx', classes: { hand: { reject: 'nope' }, Bottle: { material: 'PET' } } }),
    );
    expect(() => loadManifest(path)).toThrow(/manifest\.json is invalid: classes\.hand/);
    writeFileSync(path, '{');
    expect(() => loadManifest(path)).toThrow(/cannot read the model manifest/);
    t.cleanup();
  });
});
