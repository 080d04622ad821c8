import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDetectCli } from './detect.cli';

const MODEL = join('..', 'shared', 'models', 'yolov8n-det-int8-320.onnx');
const BUS = join('..', 'shared', 'images', 'coco', 'bus.jpg');

describe('npm run detect', () => {
  it('prints detections as JSON in source pixels', async () => {
    const out: string[] = [];
    expect(await runDetectCli(['--model', MODEL, '--image', BUS, '--json'], (l) => out.push(l))).toBe(0);
    const detections = JSON.parse(out[0]!) as Array<{ classId: number; name: string; score: number; box: number[] }>;
    expect(detections.map((d) => d.name).sort()).toEqual(['bus', 'person', 'person', 'person', 'person']);
    const bus = detections.find((d) => d.name === 'bus')!;
    expect(bus.classId).toBe(5);
    expect(bus.box).toHaveLength(4);
    expect(bus.box[2]! - bus.box[0]!).toBeGreaterThan(700);
  });

  it('applies --conf', async () => {
    const out: string[] = [];
    await runDetectCli(['--model', MODEL, '--image', BUS, '--json', '--conf', '0.7'], (l) => out.push(l));
    expect((JSON.parse(out[0]!) as unknown[]).length).toBeLessThan(5);
  });

  it('says so when nothing is detected (an empty list in JSON)', async () => {
    const out: string[] = [];
    expect(await runDetectCli(['--model', MODEL, '--image', BUS, '--conf', '0.99'], (l) => out.push(l))).toBe(0);
    expect(out).toEqual(['no detections (80 classes, conf ≥ 0.99; a lower --conf shows weaker ones)']);
    expect(await runDetectCli(['--model', MODEL, '--image', BUS, '--conf', '0.99', '--json'], (l) => out.push(l))).toBe(
      0,
    );
    expect(out.at(-1)).toBe('[]');
  });

  it('explains bad arguments and bad files', async () => {
    const out: string[] = [];
    expect(await runDetectCli(['--image', BUS], (l) => out.push(l))).toBe(2);
    expect(out.at(-1)).toMatch(/usage: npm run detect/);
    expect(out.at(-1)).toMatch(/^--model is missing\n/);
    expect(await runDetectCli(['--model', MODEL, '--image', BUS, '--conf', '7'], (l) => out.push(l))).toBe(2);
    expect(out.at(-1)).toMatch(/^--conf 7 is not between 0 and 1\n/);
    expect(await runDetectCli(['--model', BUS, '--image', BUS], (l) => out.push(l))).toBe(1);
    expect(out.at(-1)).toMatch(/model refused: .*bus\.jpg/);
    expect(await runDetectCli(['--model', MODEL, '--image', 'missing.jpg'], (l) => out.push(l))).toBe(1);
    expect(out.at(-1)).toMatch(/cannot detect: .*missing/);
  });
});
