/** How a source image sits inside a canvas when scaled to fit whole (letterboxed), centred. */
export interface Fit {
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
  readonly width: number;
  readonly height: number;
}

export function fitContain(srcWidth: number, srcHeight: number, dstWidth: number, dstHeight: number): Fit {
  const scale = Math.min(dstWidth / srcWidth, dstHeight / srcHeight);
  const width = srcWidth * scale;
  const height = srcHeight * scale;
  return { scale, offsetX: (dstWidth - width) / 2, offsetY: (dstHeight - height) / 2, width, height };
}

/** A box [x1, y1, x2, y2] in source pixels → [x, y, w, h] in canvas pixels. */
export function toCanvasBox(
  box: readonly [number, number, number, number],
  fit: Fit,
): [number, number, number, number] {
  const [x1, y1, x2, y2] = box;
  return [fit.offsetX + x1 * fit.scale, fit.offsetY + y1 * fit.scale, (x2 - x1) * fit.scale, (y2 - y1) * fit.scale];
}

export function toCanvasPoint([x, y]: readonly [number, number], fit: Fit): [number, number] {
  return [fit.offsetX + x * fit.scale, fit.offsetY + y * fit.scale];
}
