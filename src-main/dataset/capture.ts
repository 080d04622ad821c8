import sharp, { type OutputInfo, type Sharp } from 'sharp';
import type { ItemVerdict } from '../../src-preload/contract';
import { pictureRegion, type Letterbox } from '../image/letterbox';
import type { Logger } from '../log/logger';
import type { DatasetStore, NewSample, NormBox } from './dataset.store';

/** A frame as vision hands it over: the model-input RGB, letterboxed from the camera's frame. */
export interface CapturedFrame {
  readonly rgb: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly letterbox: Letterbox;
  readonly at: number;
}

export interface CaptureOptions {
  /** Classes that mean a person or a hand is in the picture (when the model has them). */
  readonly peopleClasses: readonly string[];
  /** A frame showing one: dropped, or kept with that region blurred. */
  readonly people: 'drop' | 'blur';
}

/**
 * How informative a verdict's frame is for training (kept longer within the budget): the less sure the
 * model, the more; rejects, unknown items and a barcode that disagrees with the model more still.
 */
export function priorityOf(verdict: ItemVerdict): number {
  let p = 1 - verdict.confidence;
  if (!verdict.accepted) p += 0.5;
  if (verdict.reason === 'unknown_item' || verdict.reason === 'low_confidence') p += 0.5;
  if (verdict.reason === 'ineligible_barcode' || (verdict.barcode && !verdict.accepted)) p += 0.5;
  return Math.round(p * 100) / 100;
}

/** Keeps the frame behind a verdict as a training sample (never throws: training data is not credit). */
export async function captureSample(
  store: DatasetStore,
  verdict: ItemVerdict,
  frame: CapturedFrame,
  modelVersion: string | null,
  options: CaptureOptions,
  logger: Logger,
): Promise<number | undefined> {
  const person = options.peopleClasses.includes(verdict.className);
  if (person && options.people === 'drop') return undefined;
  try {
    const lb = frame.letterbox;
    // The picture without the letterbox bars: the camera's view at the model's scale.
    const region = pictureRegion(frame.width, frame.height, lb);
    const { width, height } = region;
    let image = sharp(frame.rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } }).extract(region);
    const box = normalise(verdict.box, lb);
    if (person && box) image = await blurRegion(await image.raw().toBuffer({ resolveWithObject: true }), box);
    const jpeg = await image.jpeg({ quality: 85 }).toBuffer();
    const sample: NewSample = {
      at: frame.at,
      modelVersion,
      className: verdict.className,
      score: verdict.confidence,
      box,
      accepted: verdict.accepted,
      reason: verdict.reason,
      barcode: verdict.barcode ?? null,
      priority: priorityOf(verdict),
      jpeg,
      width,
      height,
    };
    return store.add(sample);
  } catch (error) {
    logger.scope('dataset').warn(`training sample not kept: ${(error as Error).message}`);
    return undefined;
  }
}

/** A box in the camera's pixels as YOLO fractions of the picture; null for an empty box (nothing seen). */
export function normalise([x1, y1, x2, y2]: readonly [number, number, number, number], lb: Letterbox): NormBox | null {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const [a, b, c, d] = [
    clamp(x1 / lb.srcWidth),
    clamp(y1 / lb.srcHeight),
    clamp(x2 / lb.srcWidth),
    clamp(y2 / lb.srcHeight),
  ];
  if (c - a <= 0 || d - b <= 0) return null;
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return [round((a + c) / 2), round((b + d) / 2), round(c - a), round(d - b)];
}

/** The region of a person or hand, blurred beyond recognition before anything is written. */
async function blurRegion(raw: { data: Buffer; info: OutputInfo }, [cx, cy, w, h]: NormBox): Promise<Sharp> {
  const { width, height } = raw.info;
  const left = Math.max(0, Math.floor((cx - w / 2) * width));
  const top = Math.max(0, Math.floor((cy - h / 2) * height));
  const regionW = Math.max(1, Math.min(width - left, Math.ceil(w * width)));
  const regionH = Math.max(1, Math.min(height - top, Math.ceil(h * height)));
  const base = sharp(raw.data, { raw: { width, height, channels: raw.info.channels } });
  const blurred = await base.clone().extract({ left, top, width: regionW, height: regionH }).blur(25).toBuffer();
  return sharp(raw.data, { raw: { width, height, channels: raw.info.channels } }).composite([
    { input: blurred, left, top, raw: { width: regionW, height: regionH, channels: raw.info.channels } },
  ]);
}
