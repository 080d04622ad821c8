import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { PreviewFrame } from '../../src-preload/contract';
import { FakeClock } from '../../test/support/fake-clock';
import type { Frame } from '../camera/camera';
import { letterboxFor } from '../image/letterbox';
import { PreviewStream } from './preview-stream';

/** A 640×480 source letterboxed into 320×320: grey bars (114) top and bottom, red picture. */
function frame(seq: number, at: number): Frame {
  const letterbox = letterboxFor(640, 480, [320, 320]);
  const rgb = new Uint8Array(320 * 320 * 3).fill(114);
  for (let y = letterbox.padY; y < letterbox.padY + 240; y++) {
    for (let x = 0; x < 320; x++) rgb.set([220, 30, 30], (y * 320 + x) * 3);
  }
  return { seq, at, rgb, width: 320, height: 320, letterbox };
}

describe('PreviewStream', () => {
  it('sends the picture without the letterbox bars, at most `fps` a second, only while active', async () => {
    const clock = new FakeClock();
    const sent: PreviewFrame[] = [];
    let active = false;
    const preview = new PreviewStream({
      fps: 10,
      quality: 70,
      clock,
      active: () => active,
      publish: (f) => sent.push(f),
    });
    preview.frame(frame(0, clock.now()));
    await preview.flushed();
    expect(sent).toHaveLength(0);
    active = true;
    // A 30 fps camera for one second.
    for (let i = 1; i <= 30; i++) {
      clock.advance(33);
      preview.frame(frame(i, clock.now()));
      await preview.flushed();
    }
    expect(sent.length).toBeGreaterThanOrEqual(9);
    expect(sent.length).toBeLessThanOrEqual(11);
    expect(sent.map((f) => f.at - sent[0]!.at).slice(0, 4)).toEqual([0, 66, 165, 264]); // then one period apart
    const first = sent[0]!;
    expect([first.width, first.height, first.sourceWidth, first.sourceHeight]).toEqual([320, 240, 640, 480]);
    const { data, info } = await sharp(Buffer.from(first.jpeg, 'base64')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([320, 240]);
    // No grey bar left in the picture: the top row is red.
    expect(data[0]).toBeGreaterThan(180);
    expect(data[1]).toBeLessThan(80);
    expect(sent.map((f) => f.seq)).toEqual(sent.map((_, i) => i));
  });

  it('keeps the rate with a 15 fps camera (every frame that is due, not every other one)', async () => {
    const clock = new FakeClock();
    const sent: PreviewFrame[] = [];
    const preview = new PreviewStream({
      fps: 12,
      quality: 70,
      clock,
      active: () => true,
      publish: (f) => sent.push(f),
    });
    for (let i = 1; i <= 30; i++) {
      clock.advance(1000 / 15);
      preview.frame(frame(i, clock.now()));
      await preview.flushed();
    }
    // Two seconds of camera: about 24 previews at 12/s (every other frame would be 15).
    expect(sent.length).toBeGreaterThanOrEqual(22);
    expect(sent.length).toBeLessThanOrEqual(25);
  });

  it('draws only fresh detections, in source pixels, and none once the chamber is empty', async () => {
    const clock = new FakeClock();
    const sent: PreviewFrame[] = [];
    const preview = new PreviewStream({
      fps: 10,
      quality: 70,
      clock,
      active: () => true,
      publish: (f) => sent.push(f),
    });
    preview.detections([{ classId: 0, name: 'pet_bottle', score: 0.9, box: [100, 50, 300, 400] }]);
    preview.frame(frame(0, clock.now()));
    await preview.flushed();
    expect(sent[0]!.detections).toEqual([{ className: 'pet_bottle', score: 0.9, box: [100, 50, 300, 400] }]);
    clock.advance(1000); // older than the picture by now
    preview.frame(frame(1, clock.now()));
    await preview.flushed();
    expect(sent[1]!.detections).toEqual([]);
    preview.detections([{ classId: 0, name: 'pet_bottle', score: 0.9, box: [1, 2, 3, 4] }]);
    preview.detections([]);
    clock.advance(200);
    preview.frame(frame(2, clock.now()));
    await preview.flushed();
    expect(sent[2]!.detections).toEqual([]);
  });
});

describe('PreviewStream boxes', () => {
  it('draws a box only over pictures taken near the frame it was found in, in the customer’s words', async () => {
    const clock = new FakeClock();
    const sent: PreviewFrame[] = [];
    const preview = new PreviewStream({
      fps: 100,
      quality: 70,
      clock,
      active: () => true,
      publish: (f) => sent.push(f),
      describe: (d) => ({
        label: { id: 'Botol', en: 'Bottle' },
        material: 'pet',
        outcome: d.score > 0.5 ? 'accept' : 'deciding',
      }),
    });
    const t0 = clock.now();
    preview.detections([{ classId: 39, name: 'bottle', score: 0.9, box: [10, 10, 100, 200] }], t0);
    preview.frame(frame(1, t0 + 100));
    await preview.flushed();
    clock.advance(1000);
    // A picture taken a second later (the item gone): the old box is not drawn over it.
    preview.frame(frame(2, t0 + 1000));
    await preview.flushed();
    expect(sent.map((f) => f.detections.length)).toEqual([1, 0]);
    expect(sent[0]!.detections[0]).toMatchObject({
      className: 'bottle',
      label: { id: 'Botol', en: 'Bottle' },
      material: 'pet',
      outcome: 'accept',
    });
  });
});
