/** Part of the frame that is the chamber floor, as fractions of width and height. */
export interface Region {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface PresenceOptions {
  readonly region: Region;
  /** A pixel has changed when its grey level differs from the reference by more than this. */
  readonly pixelThreshold: number;
  /** Something is present when more than this fraction of the region changed. */
  readonly changedFraction: number;
  /** Frames averaged into the first reference. */
  readonly learnFrames: number;
  /** Empty and still for this many frames → the reference drifts toward the current view. */
  readonly relearnAfter: number;
  /** Consecutive frames needed to switch present → empty and empty → present. */
  readonly enterFrames: number;
  readonly leaveFrames: number;
}

export const DEFAULT_PRESENCE: PresenceOptions = {
  region: { x: 0, y: 0, w: 1, h: 1 },
  pixelThreshold: 28,
  changedFraction: 0.02,
  learnFrames: 5,
  relearnAfter: 30,
  enterFrames: 2,
  leaveFrames: 3,
};

export interface PresenceResult {
  readonly present: boolean;
  readonly changed: number;
  /** Set on the frame where the state flips. */
  readonly event?: 'arrived' | 'left';
}

/**
 * A cheap "is anything in the chamber" test: frame difference inside the chamber region against a
 * learned empty-chamber reference, on small grey frames. Only frames that pass it go to the model.
 */
export class PresenceGate {
  readonly #o: PresenceOptions;
  #reference: Float32Array | undefined;
  #learning: Float32Array | undefined;
  #learned = 0;
  #previous: Uint8Array | undefined;
  #present = false;
  #streak = 0;
  #still = 0;

  constructor(options: Partial<PresenceOptions> = {}) {
    this.#o = { ...DEFAULT_PRESENCE, ...options };
  }

  get present(): boolean {
    return this.#present;
  }

  /** One grey frame (width × height bytes). Learns first; reports nothing present meanwhile. */
  onFrame(grey: Uint8Array, width: number, height: number): PresenceResult {
    const { x0, x1, y0, y1 } = this.#bounds(width, height);
    if (!this.#reference) return this.#learn(grey, width, height);
    let changed = 0;
    let moving = 0;
    const prev = this.#previous;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = y * width + x;
        if (Math.abs(grey[i]! - this.#reference[i]!) > this.#o.pixelThreshold) changed++;
        if (prev && Math.abs(grey[i]! - prev[i]!) > this.#o.pixelThreshold) moving++;
      }
    }
    const area = (x1 - x0) * (y1 - y0);
    const fraction = changed / area;
    this.#previous = grey.slice();
    const looksPresent = fraction > this.#o.changedFraction;
    const event = this.#debounce(looksPresent);
    if (!this.#present && moving / area <= this.#o.changedFraction) {
      if (++this.#still >= this.#o.relearnAfter) this.#blend(grey);
    } else this.#still = 0;
    return { present: this.#present, changed: fraction, ...(event && { event }) };
  }

  #debounce(looksPresent: boolean): 'arrived' | 'left' | undefined {
    if (looksPresent === this.#present) {
      this.#streak = 0;
      return undefined;
    }
    this.#streak++;
    if (this.#streak < (looksPresent ? this.#o.enterFrames : this.#o.leaveFrames)) return undefined;
    this.#present = looksPresent;
    this.#streak = 0;
    return looksPresent ? 'arrived' : 'left';
  }

  #learn(grey: Uint8Array, width: number, height: number): PresenceResult {
    this.#learning ??= new Float32Array(width * height);
    for (let i = 0; i < grey.length; i++) this.#learning[i]! += grey[i]!;
    if (++this.#learned >= this.#o.learnFrames) {
      this.#reference = this.#learning.map((v) => v / this.#learned);
      this.#learning = undefined;
    }
    return { present: false, changed: 0 };
  }

  #blend(grey: Uint8Array): void {
    const ref = this.#reference!;
    for (let i = 0; i < ref.length; i++) ref[i] = ref[i]! * 0.9 + grey[i]! * 0.1;
  }

  #bounds(width: number, height: number) {
    const { x, y, w, h } = this.#o.region;
    return {
      x0: Math.floor(x * width),
      x1: Math.max(Math.floor(x * width) + 1, Math.floor((x + w) * width)),
      y0: Math.floor(y * height),
      y1: Math.max(Math.floor(y * height) + 1, Math.floor((y + h) * height)),
    };
  }
}

/** RGB (HWC bytes) → grey, sampled every `step` pixels in both directions. */
export function greyThumbnail(rgb: Uint8Array, width: number, height: number, step: number) {
  const w = Math.floor(width / step);
  const h = Math.floor(height / step);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * step * width + x * step) * 3;
      out[y * w + x] = (rgb[i]! * 77 + rgb[i + 1]! * 150 + rgb[i + 2]! * 29) >> 8;
    }
  }
  return { grey: out, width: w, height: h };
}
