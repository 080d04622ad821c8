import type { ItemVerdict } from '../../src-preload/contract';
import type { Camera, Frame, GreyFrame } from '../camera/camera';
import { FrameQueue } from '../camera/frame-queue';
import type { Logger } from '../log/logger';
import type { BarcodeScanner } from './barcode-scanner';
import type { InferenceSupervisor } from './inference.supervisor';
import { VerdictAggregator } from './item-verdict';
import type { Manifest } from './model-manifest';
import { greyThumbnail, PresenceGate } from './presence-gate';
import type { Detection } from './yolo-decode';

export interface PipelineDeps {
  readonly camera: Camera;
  readonly supervisor: Pick<InferenceSupervisor, 'detect'>;
  readonly manifest: Manifest;
  readonly logger: Logger;
  readonly gate?: PresenceGate;
  /** One verdict per item that entered the chamber. */
  readonly onVerdict: (verdict: ItemVerdict, latencyMs: number, frame: Frame) => void;
  /** The chamber is empty again (the deposit flow lets the next item count). */
  readonly onChamberEmpty: () => void;
  /** Barcode → material; when not empty, barcodes decide what the model is unsure of (see VerdictAggregator). */
  readonly eligibleBarcodes?: Readonly<Record<string, string>>;
  /** An item undecided this long after it was first seen is answered unknown_item (ms). */
  readonly undecidedItemMs?: number;
  /**
   * Reads barcodes from the camera's full-resolution pictures while an item is in the chamber,
   * whatever the model sees; verdicts then wait up to waitForBarcodeMs for the item's code.
   */
  readonly barcodes?: Pick<BarcodeScanner, 'scan'>;
  readonly waitForBarcodeMs?: number;
  /** Grey thumbnail sampling step for the presence gate. */
  readonly thumbStep?: number;
  /** Every camera frame as it arrives (the customer's live view). */
  readonly onFrame?: (frame: Frame) => void;
  /** Each frame's detections; an empty list when the chamber is empty. */
  readonly onDetections?: (detections: readonly Detection[], frameAt?: number) => void;
  /**
   * The empty-chamber check: null while the chamber the gate calls empty holds nothing the manifest
   * knows; else what the detector sees in it (the gate learnt a full chamber as empty: nothing counts).
   */
  readonly onEmptyView?: (problem: string | null) => void;
}

/** While the chamber looks empty, the detector looks at it this often (and after each re-learn). */
export const EMPTY_CHECK_MS = 300_000;

/**
 * The detector loop: camera → queue of 2 (drop oldest) → presence gate → worker → N-vote verdict.
 * Frames reach the model only while something is in the chamber.
 */
export class VisionPipeline {
  readonly #d: PipelineDeps;
  readonly #queue = new FrameQueue<Frame>(2);
  readonly #gate: PresenceGate;
  readonly #verdicts: VerdictAggregator;
  /** When the current item was first seen (for frame → verdict latency). */
  #itemSince: number | undefined;
  #running = false;
  /** When the empty chamber was last shown to the detector (frame time); undefined: due now. */
  #emptyCheckedAt: number | undefined;
  /** Counts items: a barcode read that finishes after its item left is not the next item's. */
  #item = 0;
  #lastFrame: Frame | undefined;

  constructor(deps: PipelineDeps) {
    this.#d = deps;
    this.#gate = deps.gate ?? new PresenceGate();
    this.#verdicts = new VerdictAggregator(deps.manifest, deps.eligibleBarcodes ?? {}, {
      ...(deps.undecidedItemMs !== undefined && { undecidedMs: deps.undecidedItemMs }),
      ...(deps.barcodes && { waitForBarcodeMs: deps.waitForBarcodeMs ?? 1500 }),
    });
  }

  get droppedFrames(): number {
    return this.#queue.dropped;
  }

  get queueDepth(): number {
    return this.#queue.depth;
  }

  start(): void {
    this.#running = true;
    this.#startCamera();
    void this.#loop();
  }

  /**
   * A technician's "restart camera": the source is reopened and the empty chamber learnt again (a
   * changed lamp or camera position); the detector and the queue carry on.
   */
  restartCamera(): void {
    if (!this.#running) return;
    this.#gate.relearn();
    this.#emptyCheckedAt = undefined;
    // Whatever was in the chamber is now part of the learnt view: the next item may count.
    this.#chamberEmpty(undefined);
    this.#d.camera.stop();
    this.#startCamera();
  }

  #startCamera(): void {
    this.#d.camera.start(this.#onCameraFrame, this.#d.barcodes && this.#onGreyFrame);
  }

  /**
   * A full-resolution picture: read for a barcode while an item is in the chamber whose verdict a code
   * could still change (a picture arriving while one is read is skipped).
   */
  readonly #onGreyFrame = (frame: GreyFrame): void => {
    if (this.#itemSince === undefined || !this.#verdicts.wantsBarcode) return;
    const item = this.#item;
    void this.#d.barcodes?.scan(frame)?.then((code) => {
      if (item !== this.#item || !this.#running) return;
      if (code) this.#gate.somethingDetected();
      const verdict = this.#verdicts.onBarcode(code, frame.at);
      if (verdict && this.#lastFrame) this.#d.onVerdict(verdict, Date.now() - this.#itemSince!, this.#lastFrame);
    });
  };

  readonly #onCameraFrame = (frame: Frame): void => {
    this.#d.onFrame?.(frame);
    this.#queue.push(frame);
  };

  stop(): void {
    this.#running = false;
    this.#d.camera.stop();
    this.#queue.close();
  }

  async #loop(): Promise<void> {
    for (let frame = await this.#queue.next(); frame && this.#running; frame = await this.#queue.next()) {
      try {
        await this.#process(frame);
      } catch (error) {
        this.#d.logger.error('vision frame failed', error);
      }
    }
  }

  /** The chamber is empty (the item left, or the gate re-learnt it): a late verdict counts, the next item may come. */
  #chamberEmpty(frame: Frame | undefined): void {
    this.#d.onDetections?.([], frame?.at);
    const late = this.#verdicts.onEmpty();
    if (late && frame) this.#d.onVerdict(late, frame.at - (this.#itemSince ?? frame.at), frame);
    this.#itemSince = undefined;
    this.#item++;
    this.#d.onChamberEmpty();
  }

  async #process(frame: Frame): Promise<void> {
    const thumb = greyThumbnail(frame.rgb, frame.width, frame.height, this.#d.thumbStep ?? 5);
    const presence = this.#gate.onFrame(thumb.grey, thumb.width, thumb.height);
    if (presence.event === 'left') return this.#chamberEmpty(frame);
    if (!presence.present) return this.#checkEmptyView(frame);
    this.#itemSince ??= frame.at;
    this.#lastFrame = frame;
    let result;
    try {
      result = await this.#d.supervisor.detect({ kind: 'rgb', data: frame.rgb, letterbox: frame.letterbox });
    } catch (error) {
      // A restarting worker loses a frame, not the item: the next frames vote again.
      this.#d.logger.warn(`frame ${frame.seq} not detected: ${(error as Error).message}`);
      return;
    }
    this.#d.onDetections?.(result.detections, frame.at);
    if (result.detections.length > 0) this.#gate.somethingDetected();
    else if (this.#gate.nothingDetected()) {
      // Present for a long time, nothing moving and nothing seen: a change of light, not an item (or an
      // item left behind after its "not recognised"): it becomes part of the empty chamber.
      this.#d.logger.info('presence: nothing detected for a while; re-learnt the empty chamber');
      this.#emptyCheckedAt = undefined;
      return this.#chamberEmpty(frame);
    }
    const picture = { width: frame.letterbox.srcWidth, height: frame.letterbox.srcHeight };
    const verdict = this.#verdicts.onFrame(result.detections, null, frame.at, picture);
    if (verdict) this.#d.onVerdict(verdict, Date.now() - this.#itemSince, frame);
  }

  /**
   * Now and then, the chamber the gate calls empty goes to the detector: a replay with no empty frames,
   * or an item left in the chamber while the gate learnt, would otherwise leave the kiosk silent.
   */
  async #checkEmptyView(frame: Frame): Promise<void> {
    if (this.#emptyCheckedAt !== undefined && frame.at - this.#emptyCheckedAt < EMPTY_CHECK_MS) return;
    this.#emptyCheckedAt = frame.at;
    let detections: readonly Detection[];
    try {
      ({ detections } = await this.#d.supervisor.detect({ kind: 'rgb', data: frame.rgb, letterbox: frame.letterbox }));
    } catch {
      this.#emptyCheckedAt = undefined; // a restarting worker: look again with the next frame
      return;
    }
    const known = detections.filter(
      (d) => d.score >= this.#d.manifest.minConfidence && this.#d.manifest.classes[d.name],
    );
    const best = known.sort((a, b) => b.score - a.score)[0];
    this.#d.onEmptyView?.(
      best
        ? `the chamber never looks empty: the detector sees ${best.name} (${best.score.toFixed(2)}) in what the presence gate learnt as empty, so nothing is counted; empty the chamber (a replay folder needs empty-chamber frames) and press Restart camera`
        : null,
    );
  }
}
