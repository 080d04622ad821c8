import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { letterboxRgb, type Fractions } from '../image/letterbox';
import { greyGeometry, type Camera, type CameraState, type Frame, type GreyFrame } from './camera';

const IMAGE = new Set(['.jpg', '.jpeg', '.png', '.webp']);

export interface ReplayOptions {
  readonly folder: string;
  readonly fps: number;
  /** Model input [height, width]. */
  readonly size: readonly [number, number];
  readonly loop: boolean;
  /** The chamber region (fractions of the model frame): grey pictures are cut to it. */
  readonly greyRegion?: Fractions;
}

/** Plays a folder of images (sorted by name) as a camera: demo mode and tests. */
export class ReplayCamera implements Camera {
  #state: CameraState = 'stopped';
  #generation = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Why the replay stopped on its own ('lost'). */
  lastError: string | undefined;
  readonly #files: string[];

  constructor(private readonly options: ReplayOptions) {
    let names: string[];
    try {
      names = readdirSync(options.folder);
    } catch (error) {
      throw new Error(`the replay folder ${options.folder} cannot be read: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.#files = names
      .filter((f) => IMAGE.has(extname(f).toLowerCase()))
      .sort()
      .map((f) => join(options.folder, f));
    if (this.#files.length === 0)
      throw new Error(`the replay folder ${options.folder} has no .jpg, .png or .webp images`);
  }

  get state(): CameraState {
    return this.#state;
  }

  start(onFrame: (frame: Frame) => void, onGrey?: (frame: GreyFrame) => void): void {
    this.#state = 'streaming';
    // A tick still loading an image when the camera is stopped and started again must not run on.
    const generation = ++this.#generation;
    let seq = 0;
    const tick = async () => {
      if (this.#state !== 'streaming' || generation !== this.#generation) return;
      const index = seq % this.#files.length;
      if (!this.options.loop && seq >= this.#files.length) {
        this.#state = 'ended';
        return;
      }
      const started = Date.now();
      let frame: Frame;
      let grey: GreyFrame | undefined;
      try {
        // Read once: the model frame and, for barcodes, the grey picture come from the same bytes.
        const bytes = await readFile(this.#files[index]!);
        frame = await this.#load(bytes, seq++);
        if (onGrey) grey = await this.#grey(bytes, frame);
      } catch (error) {
        // Stopped meanwhile (its folder may be gone): nothing to report. Else an unreadable image ends the replay.
        if (this.#state !== 'streaming' || generation !== this.#generation) return;
        this.#state = 'lost';
        this.lastError = (error as Error).message;
        return;
      }
      if (this.#state !== 'streaming' || generation !== this.#generation) return;
      onFrame(frame);
      if (grey) onGrey?.(grey);
      this.#timer = setTimeout(() => void tick(), Math.max(0, 1000 / this.options.fps - (Date.now() - started)));
    };
    void tick();
  }

  stop(): void {
    this.#state = 'stopped';
    clearTimeout(this.#timer);
  }

  /** The image itself in grey, cut and scaled as the ffmpeg camera's second output (greyGeometry). */
  async #grey(file: Buffer, frame: Frame): Promise<GreyFrame> {
    const { crop, width, height } = greyGeometry(frame.letterbox, this.options.size, this.options.greyRegion);
    const { data } = await sharp(file)
      .extract(crop)
      .resize(width, height, { fit: 'fill' })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { at: Date.now(), grey: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height };
  }

  async #load(file: Buffer, seq: number): Promise<Frame> {
    const { rgb, letterbox } = await letterboxRgb(file, this.options.size);
    const [height, width] = this.options.size;
    return { seq, at: Date.now(), rgb, width, height, letterbox };
  }
}
