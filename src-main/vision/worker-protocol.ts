import type { Letterbox } from '../image/letterbox';
import type { GraphChoice, IntegerConvMode } from './detector';
import type { ModelInfo } from './model-info';
import type { Detection } from './yolo-decode';

/** A frame for the worker: raw RGB already letterboxed to the model size (camera path, no decoding), or an encoded still image. */
export type WorkerFrame =
  | { readonly kind: 'rgb'; readonly data: Uint8Array; readonly letterbox: Letterbox }
  | { readonly kind: 'encoded'; readonly data: Uint8Array }
  /** Raw RGB as for 'rgb', waiting in a RAM file (FrameSlots) rather than in the message. */
  | {
      readonly kind: 'slot';
      readonly file: string;
      readonly offset: number;
      readonly length: number;
      readonly letterbox: Letterbox;
    };

export interface LoadOptions {
  readonly model: string;
  readonly conf: number;
  readonly iou: number;
  readonly threads: number;
  readonly integerConvs?: IntegerConvMode;
}

/** What one frame yields. */
export interface FrameResult {
  readonly detections: Detection[];
  /** The worker's own times for this frame (ms): the whole of it, and the model's session.run alone. */
  readonly workerMs?: { readonly total: number; readonly run: number };
}

export type ToWorker = { type: 'load'; options: LoadOptions } | { type: 'detect'; id: number; frame: WorkerFrame };

export type FromWorker =
  | { type: 'loaded'; info: ModelInfo; graph: GraphChoice }
  | { type: 'load-failed'; message: string }
  | { type: 'detections'; id: number; result: FrameResult; ms: { total: number; run: number } }
  | { type: 'detect-failed'; id: number; message: string };

/** A full-resolution greyscale picture for the barcode worker, in a RAM slot or (no tmpfs) in the message. */
export type GreyInput = { readonly width: number; readonly height: number } & (
  | { readonly kind: 'slot'; readonly file: string; readonly offset: number; readonly length: number }
  | { readonly kind: 'grey'; readonly data: Uint8Array }
);

export type ToBarcodeWorker = { type: 'read'; id: number; frame: GreyInput };

export type FromBarcodeWorker =
  { type: 'barcode'; id: number; code: string | null } | { type: 'read-failed'; id: number; message: string };
