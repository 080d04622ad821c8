import sharp from 'sharp';
import type { PreviewDetection, PreviewFrame } from '../../src-preload/contract';
import type { Frame } from '../camera/camera';
import { pictureRegion } from '../image/letterbox';
import type { Clock } from '../kernel/clock';
import type { Detection } from './yolo-decode';

export interface PreviewOptions {
  /** Frames per second sent at most (the camera's rate caps it too). */
  readonly fps: number;
  readonly quality: number;
  readonly clock: Clock;
  /** Only while true is anything encoded (a session takes items). */
  readonly active: () => boolean;
  readonly publish: (frame: PreviewFrame) => void;
  readonly onError?: (error: Error) => void;
  /** The customer's words and outcome for a detection (from the running manifest's rules). */
  readonly describe?: (detection: Detection) => Pick<PreviewDetection, 'label' | 'material' | 'outcome'>;
}

/**
 * Detections made on a frame older than this (camera time) are not drawn over a newer picture: the
 * box belongs to the picture it was found in, not to an empty chamber a moment later.
 */
const DETECTIONS_FRESH_MS = 400;

/**
 * The customer's live view: camera frames (already scaled to the model size, letterboxed) cropped to
 * the picture, JPEG-encoded at a capped rate, with the latest detections in source pixels. One
 * encode at a time; a frame that arrives meanwhile is skipped, never queued.
 */
export class PreviewStream {
  readonly #o: PreviewOptions;
  /** When the next frame may go: advanced by one period per frame sent, so the average rate holds. */
  #nextAt = -Infinity;
  #encoding = false;
  #inFlight: Promise<void> = Promise.resolve();
  #seq = 0;
  /** The latest detections and the camera time of the frame they were made on. */
  #detections: { at: number; list: PreviewDetection[] } = { at: 0, list: [] };

  constructor(options: PreviewOptions) {
    this.#o = options;
  }

  /** The latest detections, made on the frame taken at `frameAt` (an empty list when the chamber emptied). */
  detections(list: readonly Detection[], frameAt: number = this.#o.clock.now()): void {
    this.#detections = {
      at: frameAt,
      list: list.map((d) => ({
        className: d.name,
        score: d.score,
        box: [d.box[0], d.box[1], d.box[2], d.box[3]],
        ...(d.mask ? { mask: d.mask } : {}),
        ...this.#o.describe?.(d),
      })),
    };
  }

  frame(frame: Frame): void {
    const now = this.#o.clock.now();
    if (this.#encoding || now < this.#nextAt || !this.#o.active()) return;
    // A steady rate whatever the camera's: a 15 fps camera gives ~12 previews/s, not every other frame.
    const period = 1000 / this.#o.fps;
    this.#nextAt = Math.max(this.#nextAt + period, now + period / 2);
    this.#encoding = true;
    this.#inFlight = this.#encode(frame).finally(() => {
      this.#encoding = false;
    });
  }

  /** Resolves when the frame being encoded (if any) has been published or dropped. */
  flushed(): Promise<void> {
    return this.#inFlight;
  }

  async #encode(frame: Frame): Promise<void> {
    const { letterbox: lb } = frame;
    const region = pictureRegion(frame.width, frame.height, lb);
    const { width, height } = region;
    try {
      const jpeg = await sharp(frame.rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } })
        .extract(region)
        .jpeg({ quality: this.#o.quality })
        .toBuffer();
      const fresh = Math.abs(frame.at - this.#detections.at) <= DETECTIONS_FRESH_MS;
      this.#o.publish({
        seq: this.#seq++,
        at: frame.at,
        jpeg: jpeg.toString('base64'),
        width,
        height,
        sourceWidth: lb.srcWidth,
        sourceHeight: lb.srcHeight,
        detections: fresh ? this.#detections.list : [],
      });
    } catch (error) {
      this.#o.onError?.(error as Error);
    }
  }
}
