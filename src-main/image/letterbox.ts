import sharp from 'sharp';

/** How a source image maps into the model input: scaled by `scale`, then shifted by the padding. */
export interface Letterbox {
  readonly scale: number;
  readonly padX: number;
  readonly padY: number;
  readonly srcWidth: number;
  readonly srcHeight: number;
}

/** Aspect-preserving fit into [h, w], centred, as Ultralytics does (padding split evenly). */
export function letterboxFor(srcWidth: number, srcHeight: number, [h, w]: readonly [number, number]): Letterbox {
  const scale = Math.min(w / srcWidth, h / srcHeight);
  const newW = Math.round(srcWidth * scale);
  const newH = Math.round(srcHeight * scale);
  return { scale, padX: Math.floor((w - newW) / 2), padY: Math.floor((h - newH) / 2), srcWidth, srcHeight };
}

export type Box = [number, number, number, number];

/** A box in model-input pixels → source pixels, clipped to the source image. */
export function toSource([x1, y1, x2, y2]: Box, lb: Letterbox): Box {
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return [
    clip((x1 - lb.padX) / lb.scale, lb.srcWidth),
    clip((y1 - lb.padY) / lb.scale, lb.srcHeight),
    clip((x2 - lb.padX) / lb.scale, lb.srcWidth),
    clip((y2 - lb.padY) / lb.scale, lb.srcHeight),
  ];
}

/**
 * Still image (any format sharp reads) → RGB bytes (HWC) letterboxed to [h, w] with grey 114.
 * Camera streams get the same geometry from ffmpeg instead, so the hot path decodes nothing.
 */
export async function letterboxRgb(
  input: Buffer | string,
  size: readonly [number, number],
): Promise<{ rgb: Uint8Array; letterbox: Letterbox }> {
  const image = sharp(input).rotate().removeAlpha().toColourspace('srgb');
  const meta = await image.metadata();
  // rotate() applies the EXIF orientation: 90° orientations swap width and height.
  const swap = (meta.orientation ?? 1) >= 5;
  const [width, height] = swap ? [meta.height!, meta.width!] : [meta.width!, meta.height!];
  const lb = letterboxFor(width, height, size);
  const newW = Math.round(width * lb.scale);
  const newH = Math.round(height * lb.scale);
  const [h, w] = size;
  const rgb = await image
    .resize(newW, newH, { fit: 'fill', kernel: 'lanczos3' })
    .extend({
      left: lb.padX,
      top: lb.padY,
      right: w - newW - lb.padX,
      bottom: h - newH - lb.padY,
      background: { r: 114, g: 114, b: 114 },
    })
    .raw()
    .toBuffer();
  return { rgb: new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength), letterbox: lb };
}

/** Still image → float32 CHW RGB in [0, 1], letterboxed: the model's input. */
export async function letterboxImage(
  input: Buffer | string,
  size: readonly [number, number],
): Promise<{ tensor: Float32Array; letterbox: Letterbox }> {
  const { rgb, letterbox } = await letterboxRgb(input, size);
  return { tensor: hwcToChw(rgb, size[1], size[0]), letterbox };
}

const INV_255 = 1 / 255;

/** Interleaved RGB bytes → planar float32 in [0, 1], into `into` when it is the right size (no 1.2 MB allocation per frame). */
export function hwcToChw(rgb: Uint8Array, width: number, height: number, into?: Float32Array): Float32Array {
  const plane = width * height;
  const out = into?.length === 3 * plane ? into : new Float32Array(3 * plane);
  const r = out.subarray(0, plane);
  const g = out.subarray(plane, 2 * plane);
  const b = out.subarray(2 * plane);
  for (let i = 0, p = 0; p < plane; p++, i += 3) {
    r[p] = rgb[i]! * INV_255;
    g[p] = rgb[i + 1]! * INV_255;
    b[p] = rgb[i + 2]! * INV_255;
  }
  return out;
}

/** Where the camera's picture lies inside a letterboxed frame (the bars left out), for cropping it back. */
export function pictureRegion(
  frameWidth: number,
  frameHeight: number,
  lb: Letterbox,
): { left: number; top: number; width: number; height: number } {
  const left = Math.round(lb.padX);
  const top = Math.round(lb.padY);
  return {
    left,
    top,
    width: Math.min(Math.round(lb.srcWidth * lb.scale), frameWidth - left),
    height: Math.min(Math.round(lb.srcHeight * lb.scale), frameHeight - top),
  };
}

/** A part of a picture as fractions of it (x, y: top left; w, h: size). */
export interface Fractions {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/**
 * A region given as fractions of the letterboxed model frame ([h, w]), in the camera picture's own
 * pixels: the bars left out, clamped to the picture, at least 1×1.
 */
export function regionInPicture(
  region: Fractions,
  lb: Letterbox,
  [h, w]: readonly [number, number],
): { left: number; top: number; width: number; height: number } {
  const toX = (f: number) => Math.min(lb.srcWidth, Math.max(0, (f * w - lb.padX) / lb.scale));
  const toY = (f: number) => Math.min(lb.srcHeight, Math.max(0, (f * h - lb.padY) / lb.scale));
  const left = Math.floor(toX(region.x));
  const top = Math.floor(toY(region.y));
  return {
    left: Math.min(left, lb.srcWidth - 1),
    top: Math.min(top, lb.srcHeight - 1),
    width: Math.max(1, Math.ceil(toX(region.x + region.w)) - left),
    height: Math.max(1, Math.ceil(toY(region.y + region.h)) - top),
  };
}
