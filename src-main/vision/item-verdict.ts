import type { ItemVerdict, RejectReason } from '../../src-preload/contract';
import type { Box } from '../image/letterbox';
import type { Manifest } from './model-manifest';
import type { Detection } from './yolo-decode';

type Vote = { readonly key: string; readonly best: Detection | undefined };

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
  #decided = false;
  #barcode: string | null = null;
  /** Frame time the item was first seen, and the best detection any of its frames had. */
  #firstAt: number | undefined;
  #bestSeen: Detection | undefined;

  /**
   * eligibleBarcodes (barcode → material): when not empty, an eligible barcode accepts an item the
   * model is unsure of (low confidence, unknown class), and a barcode not on the list rejects it.
   */
  constructor(
    private readonly manifest: Manifest,
    private readonly eligibleBarcodes: Readonly<Record<string, string>> = {},
    private readonly undecidedMs = UNDECIDED_ITEM_MS,
  ) {}

  /**
   * One frame (taken at `at`, ms) while something is in the chamber; returns the verdict when the votes
   * agree, or `unknown_item` once the item has been undecided for too long.
   */
  onFrame(detections: readonly Detection[], barcode: string | null = null, at?: number): ItemVerdict | null {
    if (this.#decided) return null;
    this.#barcode = barcode ?? this.#barcode;
    if (at !== undefined) this.#firstAt ??= at;
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
    this.#decided = true;
    const verdict =
      vote.key === '*multiple*' ? this.#reject(this.#streak, 'multiple_items') : this.#classify(this.#streak);
    return this.#withBarcode(verdict);
  }

  /** The chamber is empty again: an item seen but not decided left too early. Resets for the next item. */
  onEmpty(): ItemVerdict | null {
    const movedOut = this.#seenSomething && !this.#decided && this.#streak.length > 0;
    const verdict = movedOut ? this.#reject(this.#streak, 'moved_out') : null;
    this.#streakKey = undefined;
    this.#streak = [];
    this.#seenSomething = false;
    this.#decided = false;
    this.#barcode = null;
    this.#firstAt = undefined;
    this.#bestSeen = undefined;
    return verdict;
  }

  /** Never silence: an item seen for undecidedMs without agreeing votes is not recognised. */
  #undecided(at: number | undefined): ItemVerdict | null {
    if (at === undefined || this.#firstAt === undefined || at - this.#firstAt < this.undecidedMs) return null;
    this.#decided = true;
    const seen = this.#bestSeen;
    const verdict: ItemVerdict = seen
      ? this.#reject([seen], 'unknown_item')
      : {
          className: 'unknown',
          material: null,
          confidence: 0,
          accepted: false,
          reason: 'unknown_item',
          box: [0, 0, 0, 0],
        };
    return this.#withBarcode(verdict);
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
      return { ...withCode, accepted: true, reason: null, material };
    }
    return withCode;
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

/** A segmentation model's outline of the item, at most 200 points (evenly kept): what the platform is told. */
function outline(d: Detection): { mask?: Array<[number, number]> } {
  if (!d.mask || d.mask.length < 3) return {};
  const step = Math.ceil(d.mask.length / 200);
  return { mask: d.mask.filter((_, i) => i % step === 0).map(([x, y]) => [Math.round(x), Math.round(y)]) };
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
