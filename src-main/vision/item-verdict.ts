import type { ItemVerdict, RejectReason } from '../../src-preload/contract';
import type { Box } from '../image/letterbox';
import type { ClassRule, Manifest } from './model-manifest';
import type { Detection } from './yolo-decode';

type Vote = { readonly key: string; readonly best: Detection | undefined };

/** The camera picture's size, for the shape check (detections are in its pixels). */
export interface Picture {
  readonly width: number;
  readonly height: number;
}

export interface AggregatorOptions {
  /** An item still undecided this long after it was first seen is answered unknown_item (ms). */
  readonly undecidedMs?: number;
  /**
   * Barcodes count (an eligibility list or prices by barcode): a verdict waits for the item's first
   * barcode read, at most this long after the item was first seen (ms). 0: verdicts never wait.
   */
  readonly waitForBarcodeMs?: number;
}

/** Something the model never saw must stay this long before leaving counts as an item moved out (ms). */
const LOOKED_LONG_MS = 1000;

/** How long an item may stay in the chamber undecided before it is answered "not recognised". */
export const UNDECIDED_ITEM_MS = 3000;

/**
 * Turns per-frame detections of one item into one verdict: N consecutive frames that agree (same
 * class, or "more than one item") decide; the class rules of the model manifest say what it means.
 * An item never goes unanswered: still undecided `undecidedMs` after it was first seen (the model sees
 * nothing on it, or its votes keep disagreeing), it is `unknown_item` and handed back. After a verdict
 * nothing more is said until the chamber is empty again.
 */
export class VerdictAggregator {
  #streakKey: string | undefined;
  #streak: Detection[] = [];
  #seenSomething = false;
  /** Frames of this item the detector looked at, and the last one's time. */
  #looked = 0;
  #lastAt: number | undefined;
  #decided = false;
  #barcode: string | null = null;
  /** Frame time the item was first seen, and the best detection any of its frames had. */
  #firstAt: number | undefined;
  #bestSeen: Detection | undefined;
  /** A verdict that waits for the item's barcode read. */
  #held: ItemVerdict | undefined;
  #barcodeRead = false;
  #picture: Picture | undefined;
  readonly #undecidedMs: number;
  readonly #waitForBarcodeMs: number;

  /**
   * eligibleBarcodes (barcode → material): when not empty, an eligible barcode accepts an item the
   * model is unsure of (low confidence, unknown class), and a barcode not on the list rejects it.
   */
  constructor(
    private readonly manifest: Manifest,
    private readonly eligibleBarcodes: Readonly<Record<string, string>> = {},
    options: AggregatorOptions = {},
  ) {
    this.#undecidedMs = options.undecidedMs ?? UNDECIDED_ITEM_MS;
    this.#waitForBarcodeMs = options.waitForBarcodeMs ?? 0;
  }

  /**
   * One frame (taken at `at`, ms) while something is in the chamber; returns the verdict when the votes
   * agree, or `unknown_item` once the item has been undecided for too long. `barcode`: a code read from
   * this item (tests; the kiosk reports reads through onBarcode).
   */
  onFrame(
    detections: readonly Detection[],
    barcode: string | null = null,
    at?: number,
    picture?: Picture,
  ): ItemVerdict | null {
    if (at !== undefined) this.#firstAt ??= at;
    if (at !== undefined) this.#lastAt = at;
    this.#looked++;
    if (picture) this.#picture = picture;
    if (barcode) this.#barcodeRead = true;
    this.#barcode = barcode ?? this.#barcode;
    if (this.#decided) return this.#release(at);
    for (const d of detections) if (!this.#bestSeen || d.score > this.#bestSeen.score) this.#bestSeen = d;
    const vote = this.#vote(detections);
    if (!vote) {
      this.#streakKey = undefined;
      this.#streak = [];
      return this.#undecided(at);
    }
    this.#seenSomething = true;
    if (vote.key !== this.#streakKey) {
      this.#streakKey = vote.key;
      this.#streak = [];
    }
    this.#streak.push(vote.best!);
    if (this.#streak.length < this.manifest.votes) return this.#undecided(at);
    return this.#decide(
      vote.key === '*multiple*' ? this.#reject(this.#streak, 'multiple_items') : this.#classify(this.#streak),
      at,
    );
  }

  /**
   * A barcode read of this item's picture finished (`code` null: none found). A verdict waiting for it
   * comes out now when a code was found; with none it waits on for a later read, up to the bound.
   */
  onBarcode(code: string | null, at?: number): ItemVerdict | null {
    if (this.#firstAt === undefined && at !== undefined) this.#firstAt = at;
    if (code) {
      this.#barcode = code;
      this.#barcodeRead = true;
    }
    return this.#decided ? this.#release(at) : null;
  }

  /** Whether a barcode read of the item in the chamber could still change its verdict. */
  get wantsBarcode(): boolean {
    return !this.#barcodeRead && (!this.#decided || this.#held !== undefined);
  }

  /** The votes decided: out now, or held for the barcode read when barcodes count. */
  #decide(verdict: ItemVerdict, at: number | undefined): ItemVerdict | null {
    this.#decided = true;
    this.#held = verdict;
    return this.#release(at);
  }

  #release(at: number | undefined): ItemVerdict | null {
    const held = this.#held;
    if (!held) return null;
    const waited = at !== undefined && this.#firstAt !== undefined ? at - this.#firstAt : Infinity;
    if (this.#waitForBarcodeMs > 0 && !this.#barcodeRead && waited < this.#waitForBarcodeMs) return null;
    this.#held = undefined;
    return this.#withBarcode(held);
  }

  /** The chamber is empty again: an item that left before its answer is moved out. Resets for the next item. */
  onEmpty(): ItemVerdict | null {
    // Left before its answer (never silence): seen by the model, or looked at for a full vote and a
    // second (a passing shadow or hand is neither). A verdict still waiting for its barcode cannot take
    // in an item that is gone: it is handed back as moved out too.
    const lookedLong =
      this.#looked >= this.manifest.votes && (this.#lastAt ?? 0) - (this.#firstAt ?? 0) >= LOOKED_LONG_MS;
    const movedOut = (!this.#decided && (this.#seenSomething || lookedLong)) || this.#held !== undefined;
    const verdict = movedOut ? this.#best('moved_out') : null;
    this.#looked = 0;
    this.#lastAt = undefined;
    this.#streakKey = undefined;
    this.#streak = [];
    this.#seenSomething = false;
    this.#decided = false;
    this.#barcode = null;
    this.#firstAt = undefined;
    this.#bestSeen = undefined;
    this.#held = undefined;
    this.#barcodeRead = false;
    return verdict;
  }

  /** Never silence: an item seen for undecidedMs without agreeing votes is not recognised. */
  #undecided(at: number | undefined): ItemVerdict | null {
    if (at === undefined || this.#firstAt === undefined || at - this.#firstAt < this.#undecidedMs) return null;
    return this.#decide(this.#best('unknown_item', false), at);
  }

  /** A reject naming the current streak (when asked), else the best detection seen, else nothing the model saw. */
  #best(reason: RejectReason, streakFirst = true): ItemVerdict {
    if (streakFirst && this.#streak.length > 0) return this.#reject(this.#streak, reason);
    if (this.#bestSeen) return this.#reject([this.#bestSeen], reason);
    return { className: 'unknown', material: null, confidence: 0, accepted: false, reason, box: [0, 0, 0, 0] };
  }

  #withBarcode(verdict: ItemVerdict): ItemVerdict {
    const barcode = this.#barcode;
    if (!barcode) return verdict;
    const withCode = { ...verdict, barcode };
    if (Object.keys(this.eligibleBarcodes).length === 0) return withCode;
    const material = Object.hasOwn(this.eligibleBarcodes, barcode) ? this.eligibleBarcodes[barcode]! : undefined;
    if (material === undefined) {
      return verdict.accepted || verdict.reason === 'low_confidence' || verdict.reason === 'unknown_item'
        ? { ...withCode, accepted: false, reason: 'ineligible_barcode', material: null }
        : withCode;
    }
    if (!verdict.accepted && (verdict.reason === 'low_confidence' || verdict.reason === 'unknown_item')) {
      // The code says what it is; the item must still look like one: something the model outlined,
      // within the shape range of a class of that material when the manifest gives one.
      if (!verdict.box.some((v) => v !== 0) || this.#shapeProblem(verdict, material)) return withCode;
      return { ...withCode, accepted: true, reason: null, material };
    }
    return withCode;
  }

  /**
   * Outside the shape range the manifest gives for the class (or, for a barcode, for every class of
   * that material): a crushed can, a toy, a picture of a bottle. No range, or no picture size: no check.
   */
  #shapeProblem(item: Pick<Detection, 'box' | 'mask'>, material: string, rule?: ClassRule): boolean {
    if (!this.#picture) return false;
    const ranges = rule
      ? [rule]
      : Object.values(this.manifest.classes).filter((r) => 'material' in r && r.material === material);
    const shapes = ranges.flatMap((r) => ('shape' in r && r.shape ? [r.shape] : []));
    if (shapes.length === 0) return false;
    const { area, aspect } = shapeOf(item, this.#picture);
    const within = (v: number, range?: readonly [number, number]) => !range || (v >= range[0] && v <= range[1]);
    return !shapes.some((shape) => within(area, shape.area) && within(aspect, shape.aspect));
  }

  #vote(detections: readonly Detection[]): Vote | undefined {
    const relevant = detections.filter((d) => d.score >= this.manifest.detectConfidence);
    if (relevant.length === 0) return undefined;
    const best = relevant.reduce((a, b) => (b.score > a.score ? b : a));
    if (relevant.length > 1) return { key: '*multiple*', best };
    return { key: best.name, best };
  }

  #classify(frames: readonly Detection[]): ItemVerdict {
    const best = frames.reduce((a, b) => (b.score > a.score ? b : a));
    const rule = Object.hasOwn(this.manifest.classes, best.name) ? this.manifest.classes[best.name] : undefined;
    if (!rule) return this.#reject(frames, 'unknown_item');
    if ('reject' in rule) return this.#reject(frames, rule.reject);
    const confidence = mean(frames.map((f) => f.score));
    if (confidence < (rule.minConfidence ?? this.manifest.minConfidence))
      return this.#reject(frames, 'low_confidence', rule.material);
    if (this.#shapeProblem(best, rule.material, rule)) return this.#reject(frames, 'wrong_shape', rule.material);
    return {
      className: best.name,
      material: rule.material,
      confidence,
      accepted: true,
      reason: null,
      box: [...best.box] as Box,
      ...outline(best),
    };
  }

  #reject(frames: readonly Detection[], reason: RejectReason, material: string | null = null): ItemVerdict {
    const best = frames.reduce((a, b) => (b.score > a.score ? b : a));
    return {
      className: best.name,
      material,
      confidence: mean(frames.map((f) => f.score)),
      accepted: false,
      reason,
      box: [...best.box] as Box,
      ...outline(best),
    };
  }
}

/** The item's share of the picture (its outline's area where the model has masks, else its box) and its long/short side ratio. */
export function shapeOf(
  item: { readonly box: readonly number[]; readonly mask?: ReadonlyArray<readonly [number, number]> },
  picture: Picture,
): { area: number; aspect: number } {
  const [x1, y1, x2, y2] = item.box as [number, number, number, number];
  const w = Math.max(0, x2 - x1);
  const h = Math.max(0, y2 - y1);
  let area = w * h;
  if (item.mask && item.mask.length >= 3) {
    let twice = 0;
    for (let i = 0; i < item.mask.length; i++) {
      const [ax, ay] = item.mask[i]!;
      const [bx, by] = item.mask[(i + 1) % item.mask.length]!;
      twice += ax * by - bx * ay;
    }
    area = Math.abs(twice) / 2;
  }
  const short = Math.min(w, h);
  return { area: area / (picture.width * picture.height), aspect: short > 0 ? Math.max(w, h) / short : Infinity };
}

/** A segmentation model's outline of the item, at most 200 points (evenly kept): what the platform is told. */
function outline(d: Detection): { mask?: Array<[number, number]> } {
  if (!d.mask || d.mask.length < 3) return {};
  const step = Math.ceil(d.mask.length / 200);
  return { mask: d.mask.filter((_, i) => i % step === 0).map(([x, y]) => [Math.round(x), Math.round(y)]) };
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
