import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ItemVerdict } from '../../src-preload/contract';
import { tempDir } from '../../test/support/test-core';
import { letterboxRgb } from '../image/letterbox';
import { createLogger } from '../log/logger';
import { captureSample, normalise, priorityOf, type CapturedFrame } from './capture';
import { runDatasetCli } from './dataset.cli';
import { DatasetStore } from './dataset.store';
import { exportYolo } from './yolo-export';

const CHAMBER = join('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const dirs: Array<{ cleanup(): void }> = [];
const stores: DatasetStore[] = [];
afterEach(() => {
  stores.splice(0).forEach((s) => s.close());
  dirs.splice(0).forEach((d) => d.cleanup());
});

let frame: CapturedFrame;
beforeAll(async () => {
  // The chamber photo as the pipeline hands it over: letterboxed into the model's 320×320 input.
  const { rgb, letterbox } = await letterboxRgb(readFileSync(CHAMBER), [320, 320]);
  frame = { rgb, width: 320, height: 320, letterbox, at: Date.UTC(2026, 10, 30, 10) };
});

function store(maxMb = 50) {
  const t = tempDir('rvm-dataset-');
  dirs.push(t);
  const s = new DatasetStore(join(t.dir, 'dataset'), maxMb, logger);
  stores.push(s);
  return { store: s, dir: t.dir };
}

const verdict = (over: Partial<ItemVerdict> = {}): ItemVerdict => {
  const lb = frame.letterbox;
  return {
    className: 'bottle',
    material: 'pet',
    confidence: 0.9,
    accepted: true,
    reason: null,
    // The middle half of the camera's picture, in its own pixels.
    box: [lb.srcWidth / 4, lb.srcHeight / 4, (lb.srcWidth * 3) / 4, (lb.srcHeight * 3) / 4],
    ...over,
  };
};
const opts = { peopleClasses: ['person', 'hand'], people: 'drop' as const };

describe('training samples', () => {
  it('keep the picture without the letterbox bars and the box as YOLO fractions', async () => {
    const { store: s } = store();
    const id = (await captureSample(s, verdict(), frame, 'v3', opts, logger))!;
    const sample = s.get(id)!;
    expect(sample).toMatchObject({
      className: 'bottle',
      modelVersion: 'v3',
      box: [0.5, 0.5, 0.5, 0.5],
      label: 'unreviewed',
    });
    const meta = await sharp(s.imagePath(id)).metadata();
    expect([meta.width, meta.height]).toEqual([sample.width, sample.height]);
    expect(Math.max(sample.width, sample.height)).toBe(320);
    expect(Math.min(sample.width, sample.height)).toBeLessThan(320); // the bars are gone
  });

  it('value what teaches the model most: unsure, rejected, unknown, barcode disagreements', () => {
    const sure = priorityOf(verdict());
    expect(priorityOf(verdict({ confidence: 0.5 }))).toBeGreaterThan(sure);
    expect(priorityOf(verdict({ accepted: false, reason: 'unknown_item', confidence: 0 }))).toBeGreaterThan(1.5);
    expect(
      priorityOf(verdict({ accepted: false, reason: 'ineligible_barcode', barcode: '8991002101234' })),
    ).toBeGreaterThan(priorityOf(verdict({ accepted: false, reason: 'reject_class' })));
    expect(normalise([0, 0, 0, 0], frame.letterbox)).toBeNull();
  });

  it('drop a frame showing a person or a hand, or blur that region, per configuration', async () => {
    const { store: s } = store();
    expect(await captureSample(s, verdict({ className: 'person' }), frame, null, opts, logger)).toBeUndefined();
    const id = (await captureSample(
      s,
      verdict({ className: 'hand' }),
      frame,
      null,
      { ...opts, people: 'blur' },
      logger,
    ))!;
    const plain = (await captureSample(s, verdict(), frame, null, opts, logger))!;
    const pixels = async (n: number) => (await sharp(s.imagePath(n)).raw().toBuffer()).subarray(0, 999_999);
    const [blurred, original] = [await pixels(id), await pixels(plain)];
    // The centre (inside the box) changed; a corner (outside it) did not, beyond JPEG noise.
    const at = (buf: Buffer, x: number, y: number, w: number) => buf[(y * w + x) * 3]!;
    const { width, height } = s.get(id)!;
    let centreDiff = 0;
    for (let x = width / 2 - 20; x < width / 2 + 20; x++)
      centreDiff += Math.abs(at(blurred, x, height / 2, width) - at(original, x, height / 2, width));
    expect(centreDiff).toBeGreaterThan(100);
    expect(Math.abs(at(blurred, 2, 2, width) - at(original, 2, 2, width))).toBeLessThan(12);
  });

  it('stay within the budget: the least informative unreviewed go first, reviewed ones stay', async () => {
    const { store: s } = store(0.04); // ~40 KB: a few pictures
    const reviewed = (await captureSample(s, verdict({ confidence: 0.99 }), frame, null, opts, logger))!;
    s.label(reviewed, 'confirmed');
    const unsure = (await captureSample(
      s,
      verdict({ confidence: 0.3, accepted: false, reason: 'low_confidence' }),
      frame,
      null,
      opts,
      logger,
    ))!;
    for (let i = 0; i < 6; i++) await captureSample(s, verdict({ confidence: 0.95 }), frame, null, opts, logger);
    const left = s.list('all', 100).map((x) => x.id);
    expect(left).toContain(reviewed);
    expect(left).toContain(unsure);
    expect(s.stats().bytes).toBeLessThanOrEqual(0.04 * 1024 * 1024);
  });

  it('take a review: confirm, correct (class and box), no item, bad image — and say what is missing', async () => {
    const { store: s } = store();
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push((await captureSample(s, verdict(), frame, null, opts, logger))!);
    expect(s.label(ids[0]!, 'confirmed')).toMatchObject({
      label: 'confirmed',
      labelClass: 'bottle',
      labelBox: [0.5, 0.5, 0.5, 0.5],
    });
    expect(s.label(ids[1]!, 'corrected', 'can', [0.4, 0.5, 0.2, 0.3])).toMatchObject({
      labelClass: 'can',
      labelBox: [0.4, 0.5, 0.2, 0.3],
    });
    expect(s.label(ids[2]!, 'no_item')).toMatchObject({ label: 'no_item', labelClass: null });
    expect(s.label(ids[3]!, 'bad_image')).toMatchObject({ label: 'bad_image' });
    expect(() => s.label(ids[3]!, 'corrected')).toThrow(/needs the class/);
    expect(() => s.label(999, 'confirmed')).toThrow(/no training sample 999/);
    expect(s.stats()).toMatchObject({
      samples: 4,
      byLabel: { confirmed: 1, corrected: 1, no_item: 1, bad_image: 1 },
      byClass: { bottle: 1, can: 1 },
    });
  });
});

describe('the YOLO export', () => {
  it('writes images, labels and data.yaml that parse back: the model’s classes first, new names after', async () => {
    const { store: s, dir } = store();
    const made: number[] = [];
    for (let i = 0; i < 20; i++) made.push((await captureSample(s, verdict(), frame, null, opts, logger))!);
    made.slice(0, 10).forEach((id) => s.label(id, 'confirmed'));
    made.slice(10, 14).forEach((id) => s.label(id, 'corrected', 'crushed_can', [0.5, 0.5, 0.2, 0.2]));
    made.slice(14, 16).forEach((id) => s.label(id, 'no_item'));
    s.label(made[16]!, 'bad_image');
    const out = join(dir, 'export');
    const result = exportYolo(s, out, { classes: ['person', 'bottle', 'cup'], valFraction: 0.25 });
    expect(result.images.train + result.images.val).toBe(16);
    expect(result.images.val).toBeGreaterThan(0);
    expect(result.byClass).toEqual({ bottle: 10, crushed_can: 4 });
    expect(result.skipped).toBe(4); // 3 unreviewed, 1 bad image
    const yaml = readFileSync(join(out, 'data.yaml'), 'utf8');
    expect(yaml).toMatch(
      /train: images\/train\nval: images\/val\nnames:\n {2}0: "person"\n {2}1: "bottle"\n {2}2: "cup"\n {2}3: "crushed_can"/,
    );
    const counts: Record<string, number> = {};
    let negatives = 0;
    for (const split of ['train', 'val']) {
      const labels = readdirSync(join(out, 'labels', split));
      expect(readdirSync(join(out, 'images', split)).sort()).toEqual(
        labels.map((l) => l.replace('.txt', '.jpg')).sort(),
      );
      for (const file of labels) {
        const text = readFileSync(join(out, 'labels', split, file), 'utf8');
        if (!text) negatives++;
        for (const line of text.trim().split('\n').filter(Boolean)) {
          const [cls, ...box] = line.split(' ').map(Number);
          expect(box).toHaveLength(4);
          for (const v of box) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
          counts[cls!] = (counts[cls!] ?? 0) + 1;
        }
      }
    }
    expect(counts).toEqual({ 1: 10, 3: 4 });
    expect(negatives).toBe(2);
    // Unreviewed ones too when asked, with the model's answer.
    expect(exportYolo(s, join(dir, 'all'), { classes: [], includeUnreviewed: true }).byClass).toEqual({
      bottle: 13,
      crushed_can: 4,
    });
  });

  it('runs from the shell: npm run dataset -- stats / export', async () => {
    const { store: s, dir } = store();
    const id = (await captureSample(s, verdict(), frame, null, opts, logger))!;
    s.label(id, 'confirmed');
    const lines: string[] = [];
    const env = { RVM_DATA_DIR: dir, RVM_VISION__ENABLED: 'false' };
    expect(runDatasetCli(['stats'], (l) => lines.push(l), env)).toBe(0);
    expect(lines.join('\n')).toMatch(
      /^1 samples, [\d.]+ MB of 500 MB\n {2}review: confirmed 1\n {2}labelled by class: bottle 1$/,
    );
    expect(runDatasetCli(['export', join(dir, 'out')], (l) => lines.push(l), env)).toBe(0);
    expect(lines.at(-1)).toMatch(/^exported \d training and \d validation images to .*out \(bottle 1; 0 left out/);
    expect(runDatasetCli(['export'], (l) => lines.push(l), env)).toBe(2);
    const empty = tempDir('rvm-dataset-empty-');
    dirs.push(empty);
    expect(runDatasetCli(['stats'], (l) => lines.push(l), { RVM_DATA_DIR: empty.dir })).toBe(1);
    expect(lines.at(-1)).toMatch(/no training data yet/);
  });
});
