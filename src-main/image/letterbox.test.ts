import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { letterboxFor, letterboxImage, regionInPicture, toSource, type Box } from './letterbox';

/** A grey image of w×h with one pure-red rectangle at `rect` (x1, y1, x2, y2, exclusive ends). */
async function imageWithRect(w: number, h: number, [x1, y1, x2, y2]: Box): Promise<Buffer> {
  const red = await sharp({ create: { width: x2 - x1, height: y2 - y1, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  return sharp({ create: { width: w, height: h, channels: 3, background: '#202020' } })
    .composite([{ input: red, left: x1, top: y1 }])
    .png()
    .toBuffer();
}

/** Bounding box of the red pixels in a CHW tensor, in model-input pixels. */
function redBounds(tensor: Float32Array, w: number, h: number): Box {
  const plane = w * h;
  let [x1, y1, x2, y2] = [w, h, 0, 0];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (tensor[i]! > 0.6 && tensor[i + plane]! < 0.3 && tensor[i + 2 * plane]! < 0.3) {
        x1 = Math.min(x1, x);
        y1 = Math.min(y1, y);
        x2 = Math.max(x2, x + 1);
        y2 = Math.max(y2, y + 1);
      }
    }
  }
  return [x1, y1, x2, y2];
}

describe('letterbox geometry', () => {
  it.each([
    // [source w, h, rectangle, model size]
    [810, 1080, [100, 300, 500, 900], [320, 320]],
    [1280, 720, [37, 11, 401, 263], [640, 640]],
    [1281, 719, [900, 500, 1270, 710], [320, 320]],
    [333, 1777, [3, 1500, 300, 1770], [640, 640]],
    [640, 640, [0, 0, 64, 64], [320, 320]],
  ] as const)('%ix%i: the rectangle maps into the input and back to itself', async (w, h, rect, size) => {
    const { tensor, letterbox } = await letterboxImage(await imageWithRect(w, h, [...rect]), size);
    expect(tensor).toHaveLength(3 * size[0] * size[1]);
    const back = toSource(redBounds(tensor, size[1], size[0]), letterbox);
    // Within about one model pixel (plus resampling blur) of where it was drawn.
    const tolerance = 1.5 / letterbox.scale;
    back.forEach((v, i) => expect(Math.abs(v - rect[i]!), `edge ${i}`).toBeLessThanOrEqual(tolerance));
    // The padding is the letterbox grey 114.
    if (letterbox.padX > 0) expect(tensor[0]).toBeCloseTo(114 / 255, 2);
  });

  it('keeps the aspect ratio and centres the image', () => {
    expect(letterboxFor(1280, 720, [640, 640])).toEqual({
      scale: 0.5,
      padX: 0,
      padY: 140,
      srcWidth: 1280,
      srcHeight: 720,
    });
    expect(letterboxFor(810, 1080, [320, 320])).toMatchObject({ padX: 40, padY: 0 });
  });

  it('clips mapped boxes to the source image', () => {
    const lb = letterboxFor(1280, 720, [640, 640]);
    expect(toSource([-10, 100, 700, 600], lb)).toEqual([0, 0, 1280, 720]);
  });

  it('maps a region of the letterboxed frame into the camera picture, bars left out', () => {
    const lb = letterboxFor(1280, 720, [320, 320]); // scale 0.25, bars of 70 px above and below
    expect(regionInPicture({ x: 0, y: 0, w: 1, h: 1 }, lb, [320, 320])).toEqual({
      left: 0,
      top: 0,
      width: 1280,
      height: 720,
    });
    expect(regionInPicture({ x: 0.25, y: 0.5, w: 0.5, h: 0.25 }, lb, [320, 320])).toEqual({
      left: 320,
      top: 360,
      width: 640,
      height: 320,
    });
    // A region inside a bar still cuts at least one pixel of the picture.
    expect(regionInPicture({ x: 0, y: 0, w: 1, h: 0.1 }, lb, [320, 320])).toMatchObject({ top: 0, height: 1 });
  });
});
