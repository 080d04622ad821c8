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
  /**
   * "Present" with nothing detected and nothing moving for this many frames is not an item (a lamp
   * changed, a door opened, a sticker on the glass): the gate re-learns the empty chamber.
   */
  readonly relearnPresentAfter: number;
}

export const DEFAULT_PRESENCE: PresenceOptions = {
  region: { x: 0, y: 0, w: 1, h: 1 },
  pixelThreshold: 28,
  changedFraction: 0.02,
  learnFrames: 5,
  relearnAfter: 30,
  enterFrames: 2,
  leaveFrames: 3,
  relearnPresentAfter: 45,
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
 * A global change of light (a uniform shift, a gain, flicker) is not an item: each frame is compared
 * with the reference as lit like the frame (lightingFit).
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
  /** Present, still and with nothing detected, for this many frames in a row. */
  #emptyPresent = 0;

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
    const bounds = { x0, x1, y0, y1, width };
    const light = lightingFit(grey, this.#reference, bounds, this.#o.pixelThreshold);
    let changed = 0;
    let moving = 0;
    const prev = this.#previous;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = y * width + x;
        if (Math.abs(grey[i]! - (light.a * this.#reference[i]! + light.b)) > this.#o.pixelThreshold) changed++;
        if (prev && Math.abs(grey[i]! - prev[i]!) > this.#o.pixelThreshold) moving++;
      }
    }
    const area = (x1 - x0) * (y1 - y0);
    const fraction = changed / area;
    this.#previous = grey.slice();
    const looksPresent = fraction > this.#o.changedFraction;
    const event = this.#debounce(looksPresent);
    const still = moving / area <= this.#o.changedFraction;
    if (!this.#present && still) {
      if (++this.#still >= this.#o.relearnAfter) this.#blend(grey);
    } else this.#still = 0;
    if (!this.#present || !still) this.#emptyPresent = 0;
    return { present: this.#present, changed: fraction, ...(event && { event }) };
  }

  /**
   * The detector found nothing on the latest present frame. After relearnPresentAfter such frames
   * in a row with nothing moving, the view is taken as the empty chamber; returns true when that
   * happened (the gate then reports nothing present).
   */
  nothingDetected(): boolean {
    if (!this.#present || !this.#previous) return false;
    if (++this.#emptyPresent < this.#o.relearnPresentAfter) return false;
    this.#reference = Float32Array.from(this.#previous);
    this.#present = false;
    this.#streak = 0;
    this.#emptyPresent = 0;
    return true;
  }

  /** Something was detected: a real item, not a change of light. */
  somethingDetected(): void {
    this.#emptyPresent = 0;
  }

  /** Forget the empty chamber and learn it again from the next frames ("restart camera"). */
  relearn(): void {
    this.#reference = undefined;
    this.#learning = undefined;
    this.#learned = 0;
    this.#previous = undefined;
    this.#present = false;
    this.#streak = 0;
    this.#still = 0;
    this.#emptyPresent = 0;
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

/**
 * How the light changed between the reference and this frame, as grey ≈ a·reference + b: the better
 * (fewer pixels left changed) of a uniform shift (b = the median difference) and a gain (a = the
 * median ratio). Medians ignore an item covering less than half the region; a fitted slope would not
 * (it can flatten the reference until a removed item looks like dimmer light).
 */
export function lightingFit(
  grey: Uint8Array,
  reference: Float32Array,
  r: { x0: number; x1: number; y0: number; y1: number; width: number },
  threshold: number,
): { a: number; b: number } {
  const diffs = new Uint32Array(511);
  const ratios = new Uint32Array(401); // ratio × 100, 0–4
  let n = 0;
  for (let y = r.y0; y < r.y1; y++) {
    for (let x = r.x0; x < r.x1; x++) {
      const i = y * r.width + x;
      const ref = reference[i]!;
      diffs[Math.round(grey[i]! - ref) + 255]!++;
      ratios[Math.min(400, Math.round((100 * (grey[i]! + 1)) / (ref + 1)))]!++;
      n++;
    }
  }
  const median = (histogram: Uint32Array) => {
    let seen = 0;
    for (let k = 0; k < histogram.length; k++) if ((seen += histogram[k]!) * 2 >= n) return k;
    return 0;
  };
  const candidates = [
    { a: 1, b: 0 },
    { a: 1, b: median(diffs) - 255 },
    { a: median(ratios) / 100, b: 0 },
  ];
  let best = candidates[0]!;
  let fewest = Infinity;
  for (const fit of candidates) {
    let changed = 0;
    for (let y = r.y0; y < r.y1; y++) {
      for (let x = r.x0; x < r.x1; x++) {
        const i = y * r.width + x;
        if (Math.abs(grey[i]! - (fit.a * reference[i]! + fit.b)) > threshold) changed++;
      }
    }
    if (changed < fewest) {
      fewest = changed;
      best = fit;
    }
  }
  return best;
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
