import type { Box, Letterbox } from '../image/letterbox';

export type Point = [number, number];

export interface Prototypes {
  readonly data: Float32Array;
  /** [32, height, width] of the prototype masks (the model input divided by the mask stride). */
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/**
 * The mask of one detection as a polygon in source pixels. The mask is sigmoid(coefficients ·
 * prototypes) > 0.5 (logit > 0), taken inside the box only. The outline is built row by row from
 * the leftmost and rightmost mask pixel of each row: exact for row-convex shapes (bottles, cans
 * lying or standing), and fills holes and side notches — what an overlay needs, not a measurement.
 */
export function maskPolygon(
  coefficients: Float32Array,
  protos: Prototypes,
  inputBox: Box,
  input: readonly [number, number],
  lb: Letterbox,
): Point[] {
  const { data, channels, height: mh, width: mw } = protos;
  const sx = mw / input[1];
  const sy = mh / input[0];
  const x0 = Math.max(0, Math.floor(inputBox[0] * sx));
  const x1 = Math.min(mw, Math.ceil(inputBox[2] * sx));
  const y0 = Math.max(0, Math.floor(inputBox[1] * sy));
  const y1 = Math.min(mh, Math.ceil(inputBox[3] * sy));
  const plane = mw * mh;
  const left: Point[] = [];
  const right: Point[] = [];
  for (let y = y0; y < y1; y++) {
    let first = -1;
    let last = -1;
    for (let x = x0; x < x1; x++) {
      let logit = 0;
      const at = y * mw + x;
      for (let k = 0; k < channels; k++) logit += coefficients[k]! * data[k * plane + at]!;
      if (logit > 0) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    // Pixel edges, not centres: the outline encloses the pixels it includes.
    left.push([first, y], [first, y + 1]);
    right.push([last + 1, y], [last + 1, y + 1]);
  }
  if (left.length === 0) return [];
  const outline = [...left, ...right.reverse()];
  const toSourcePoint = ([x, y]: Point): Point => [
    clamp((x / sx - lb.padX) / lb.scale, lb.srcWidth),
    clamp((y / sy - lb.padY) / lb.scale, lb.srcHeight),
  ];
  return simplify(outline).map(toSourcePoint);
}

const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);

/** Drops points that lie on a straight line between their neighbours (keeps the shape, fewer points). */
function simplify(points: Point[]): Point[] {
  return points.filter((p, i) => {
    const a = points[(i - 1 + points.length) % points.length]!;
    const b = points[(i + 1) % points.length]!;
    return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) !== 0;
  });
}

/** Shoelace area of a polygon. */
export function polygonArea(points: readonly Point[]): number {
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    const [x2, y2] = points[(i + 1) % points.length]!;
    sum += x1 * y2 - x2 * y1;
  }
  return Math.abs(sum) / 2;
}
