import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { greyThumbnail, PresenceGate } from './presence-gate';

const W = 96;
const H = 54;
const CHAMBER = join('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');

/** Frames like the camera's: an empty floor (the chamber photo blurred flat) or the photo with its bottle. */
let emptyFloor: Uint8Array;
let withBottle: Uint8Array;
beforeAll(async () => {
  const grey = (img: ReturnType<typeof sharp>) => img.resize(W, H, { fit: 'fill' }).greyscale().raw().toBuffer();
  withBottle = new Uint8Array(await grey(sharp(CHAMBER)));
  emptyFloor = new Uint8Array(await grey(sharp(CHAMBER).blur(30)));
});

/** Camera noise: ±n grey levels, deterministic. */
function noisy(frame: Uint8Array, n: number, seed: number): Uint8Array {
  let s = seed;
  return frame.map((v) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return Math.max(0, Math.min(255, v + ((s % (2 * n + 1)) - n)));
  });
}

describe('PresenceGate', () => {
  it('learns the empty chamber, then reports arrival and departure once each, ignoring noise', () => {
    const gate = new PresenceGate();
    const events: string[] = [];
    const feed = (frame: Uint8Array, count: number, seed: number) => {
      for (let i = 0; i < count; i++) {
        const r = gate.onFrame(noisy(frame, 6, seed + i), W, H);
        if (r.event) events.push(r.event);
      }
    };
    feed(emptyFloor, 20, 1);
    expect(gate.present).toBe(false);
    feed(withBottle, 10, 100);
    expect(gate.present).toBe(true);
    feed(emptyFloor, 10, 200);
    expect(events).toEqual(['arrived', 'left']);
  });

  it('does not flicker on a single odd frame', () => {
    const gate = new PresenceGate();
    for (let i = 0; i < 10; i++) gate.onFrame(emptyFloor, W, H);
    const results = [withBottle, emptyFloor, emptyFloor].map((f) => gate.onFrame(f, W, H));
    expect(results.some((r) => r.event)).toBe(false);
  });

  it('watches only its region', () => {
    // Region: the left fifth of the frame, where the change below does not reach.
    const gate = new PresenceGate({ region: { x: 0, y: 0, w: 0.2, h: 1 } });
    for (let i = 0; i < 10; i++) gate.onFrame(emptyFloor, W, H);
    const rightSideChange = emptyFloor.map((v, i) => (i % W > W / 2 ? 255 - v : v));
    for (let i = 0; i < 5; i++) expect(gate.onFrame(rightSideChange, W, H).present).toBe(false);
  });

  it('re-learns a slow lighting change while empty and still', () => {
    const gate = new PresenceGate({ relearnAfter: 5 });
    for (let i = 0; i < 10; i++) gate.onFrame(emptyFloor, W, H);
    // The light dims in small steps; each step alone is below the pixel threshold.
    let frame = emptyFloor;
    for (let step = 0; step < 12; step++) {
      frame = frame.map((v) => Math.max(0, v - 4));
      for (let i = 0; i < 8; i++) expect(gate.onFrame(frame, W, H).present, `step ${step}`).toBe(false);
    }
  });

  it('makes grey thumbnails from RGB frames', () => {
    const rgb = new Uint8Array(4 * 2 * 3).fill(200);
    expect(greyThumbnail(rgb, 4, 2, 2)).toEqual({ grey: new Uint8Array([200, 200]), width: 2, height: 1 });
  });
});
