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

/** Feeds noisy copies of a frame and collects the events the gate reports. */
function feeder(gate: PresenceGate) {
  const events: string[] = [];
  const feed = (frame: Uint8Array, count: number, seed: number) => {
    for (let i = 0; i < count; i++) {
      const r = gate.onFrame(noisy(frame, 6, seed + i), W, H);
      if (r.event) events.push(r.event);
    }
  };
  return { events, feed };
}

describe('PresenceGate', () => {
  it('learns the empty chamber, then reports arrival and departure once each, ignoring noise', () => {
    const gate = new PresenceGate();
    const { events, feed } = feeder(gate);
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

  it('a sudden global change of light (shift, gain, flicker) is not an item; the next item is still seen', () => {
    const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
    const lights: Array<[string, (v: number) => number]> = [
      ['+40 grey levels', (v) => clamp(v + 40)],
      ['-40 grey levels', (v) => clamp(v - 40)],
      ['gain 1.3', (v) => clamp(v * 1.3)],
      ['gain 0.7 and +15', (v) => clamp(v * 0.7 + 15)],
    ];
    for (const [name, light] of lights) {
      const gate = new PresenceGate();
      const { events, feed } = feeder(gate);
      feed(emptyFloor, 10, 1);
      feed(emptyFloor.map(light), 10, 50); // the lamp changes: nothing arrives
      expect({ name, events }).toEqual({ name, events: [] });
      feed(withBottle.map(light), 6, 100); // an item under the new light
      feed(emptyFloor.map(light), 6, 200);
      expect({ name, events }).toEqual({ name, events: ['arrived', 'left'] });
    }
    // Flicker: the light alternates every frame.
    const gate = new PresenceGate();
    for (let i = 0; i < 10; i++) gate.onFrame(emptyFloor, W, H);
    for (let i = 0; i < 20; i++) {
      const frame = i % 2 ? emptyFloor.map((v) => clamp(v * 1.25)) : emptyFloor.map((v) => clamp(v * 0.8));
      expect(gate.onFrame(frame, W, H).present, `flicker ${i}`).toBe(false);
    }
  });

  it('a "present" that nothing is detected in and nothing moves re-learns the empty chamber, then counts the next item', () => {
    const gate = new PresenceGate({ relearnPresentAfter: 10 });
    for (let i = 0; i < 10; i++) gate.onFrame(emptyFloor, W, H);
    // A local change that is no item (a sticker on the glass): present, but the detector sees nothing.
    const sticker = emptyFloor.map((v, i) => (i % W < W / 3 ? 255 - v : v));
    let relearnt = false;
    for (let i = 0; i < 12 && !relearnt; i++) {
      gate.onFrame(sticker, W, H);
      if (gate.present) relearnt = gate.nothingDetected();
    }
    expect(relearnt).toBe(true);
    expect(gate.present).toBe(false);
    expect(gate.onFrame(sticker, W, H).present).toBe(false);
    // The next real item arrives against the new reference.
    const bottleWithSticker = withBottle.map((v, i) => (i % W < W / 3 ? 255 - v : v));
    const events = [0, 1, 2].map(() => gate.onFrame(bottleWithSticker, W, H).event).filter(Boolean);
    expect(events).toEqual(['arrived']);
  });

  it('relearn() forgets the empty chamber ("restart camera")', () => {
    const gate = new PresenceGate();
    for (let i = 0; i < 10; i++) gate.onFrame(emptyFloor, W, H);
    gate.relearn();
    // The first frames after a relearn are learnt, whatever they show.
    for (let i = 0; i < 5; i++) expect(gate.onFrame(withBottle, W, H).present).toBe(false);
    expect(gate.onFrame(withBottle, W, H).present).toBe(false);
    expect([0, 1].map(() => gate.onFrame(emptyFloor, W, H).event)).toContain('arrived');
  });

  it('makes grey thumbnails from RGB frames', () => {
    const rgb = new Uint8Array(4 * 2 * 3).fill(200);
    expect(greyThumbnail(rgb, 4, 2, 2)).toEqual({ grey: new Uint8Array([200, 200]), width: 2, height: 1 });
  });
});
