import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { Letterbox } from '../image/letterbox';
import { ModelError, parseModelInfo, type ModelInfo } from './model-info';
import { maskPolygon } from './yolo-masks';
import { dequantizeConvs } from './onnx-dequantize';
import { readOnnxMetadata } from './onnx-metadata';
import { decodeCandidates, layoutOf, nms, toDetections, type Detection, type OutputLayout } from './yolo-decode';

export interface DetectorOptions {
  readonly conf: number;
  readonly iou: number;
  /** onnxruntime intra-op threads; the kiosk leaves one core for main and ffmpeg. */
  readonly threads?: number;
  /**
   * Dynamically quantised convolutions (ConvInteger): `keep` runs them as they are, `float` runs them
   * dequantised (see onnx-dequantize.ts), `auto` (default) times both at load and keeps the faster.
   */
  readonly integerConvs?: IntegerConvMode;
}

export type IntegerConvMode = 'auto' | 'keep' | 'float';

/** Which graph runs and why (logged by the worker host). */
export interface GraphChoice {
  readonly graph: 'original' | 'dequantized';
  readonly detail: string;
}

const TRIAL_RUNS = 3;

/** One loaded YOLO model: checked at load (metadata and a trial run), then decoded the same way each frame. */
export class Detector {
  private constructor(
    readonly file: string,
    readonly info: ModelInfo,
    readonly layout: OutputLayout,
    private readonly session: ort.InferenceSession,
    private readonly options: DetectorOptions,
    readonly choice: GraphChoice,
  ) {}

  static async load(file: string, options: DetectorOptions): Promise<Detector> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new ModelError(`cannot read the model ${file}: ${(error as Error).message}`);
    }
    let info: ModelInfo;
    try {
      info = parseModelInfo(readOnnxMetadata(bytes), file);
    } catch (error) {
      if (error instanceof ModelError) throw error;
      throw new ModelError(
        `${file} is not a readable ONNX model (${(error as Error).message}); reinstall the model file`,
      );
    }
    const [h, w] = info.imgsz;
    const input = new ort.Tensor('float32', new Float32Array(3 * h * w), [1, 3, h, w]);
    const original = await createSession(bytes, file, options);
    let session = original;
    const mode = options.integerConvs ?? 'auto';
    let choice: GraphChoice = {
      graph: 'original',
      detail: mode === 'keep' ? 'integer convolutions kept (vision.integerConvs = keep)' : 'no integer convolutions',
    };
    const rewrite = mode === 'keep' ? undefined : tryDequantize(bytes);
    if (rewrite && 'error' in rewrite) choice = { graph: 'original', detail: rewrite.error };
    else if (rewrite && rewrite.converted > 0) {
      const converted = `${rewrite.converted} of ${rewrite.total} integer convolutions dequantised`;
      const floatSession = await createSession(rewrite.bytes, file, options).catch((error: Error) => error);
      if (floatSession instanceof Error) {
        choice = { graph: 'original', detail: `dequantised graph refused, original kept: ${floatSession.message}` };
      } else if (mode === 'float') {
        await original.release();
        session = floatSession;
        choice = { graph: 'dequantized', detail: `${converted} (vision.integerConvs = float)` };
      } else {
        const originalMs = await timeRuns(original, input);
        const floatMs = await timeRuns(floatSession, input);
        const faster = floatMs < originalMs;
        await (faster ? original : floatSession).release();
        session = faster ? floatSession : original;
        choice = {
          graph: faster ? 'dequantized' : 'original',
          detail: `${converted} ran ${floatMs.toFixed(1)} ms per frame against ${originalMs.toFixed(1)} ms as quantised`,
        };
      }
    }
    const trial = await session.run({ [session.inputNames[0]!]: input });
    const output = trial[session.outputNames[0]!]!;
    const layout = layoutOf(output.dims, info.names.length, info.task, file);
    if (info.task === 'segment') {
      const protos = trial[session.outputNames[1] ?? '']?.dims ?? [];
      if (protos.length !== 4 || protos[1] !== 32) {
        throw new ModelError(
          `${file}: segment model without mask prototypes [1, 32, H, W] (found [${protos.join(', ')}])`,
        );
      }
    }
    return new Detector(file, info, layout, session, options, choice);
  }

  /** Raw session.run on a ready tensor: the benchmark's baseline. */
  /** How long the last session.run took (ms): the model alone, without preparing or decoding. */
  lastRunMs = 0;

  async run(tensor: Float32Array): Promise<ort.InferenceSession.ReturnType> {
    const [h, w] = this.info.imgsz;
    const started = performance.now();
    const outputs = await this.session.run({
      [this.session.inputNames[0]!]: new ort.Tensor('float32', tensor, [1, 3, h, w]),
    });
    this.lastRunMs = performance.now() - started;
    return outputs;
  }

  /** Letterboxed CHW tensor → detections in source pixels after class-aware NMS. */
  async detect(tensor: Float32Array, letterbox: Letterbox): Promise<Detection[]> {
    const outputs = await this.run(tensor);
    const data = outputs[this.session.outputNames[0]!]!.data as Float32Array;
    const kept = nms(decodeCandidates(data, this.layout, this.options.conf), this.options.iou);
    const detections = toDetections(kept, this.info.names, letterbox);
    if (this.info.task !== 'segment') return detections;
    const protoTensor = outputs[this.session.outputNames[1]!]!;
    const [, channels, height, width] = protoTensor.dims as [number, number, number, number];
    const protos = { data: protoTensor.data as Float32Array, channels, height, width };
    return detections.map((d, i) => ({
      ...d,
      mask: maskPolygon(kept[i]!.coefficients!, protos, kept[i]!.box, this.info.imgsz, letterbox),
    }));
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

async function createSession(bytes: Uint8Array, file: string, options: DetectorOptions): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: options.threads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw new ModelError(`onnxruntime cannot load ${file}: ${(error as Error).message}`);
  }
}

/** The rewrite, or why it could not be made (the original graph then runs unchanged). */
function tryDequantize(bytes: Uint8Array): ReturnType<typeof dequantizeConvs> | { error: string } {
  try {
    return dequantizeConvs(bytes);
  } catch (error) {
    return { error: `integer convolutions kept: ${(error as Error).message}` };
  }
}

/** Median of a few runs after a warm-up: enough to tell a 2× difference apart at load. */
async function timeRuns(session: ort.InferenceSession, input: ort.Tensor): Promise<number> {
  const feeds = { [session.inputNames[0]!]: input };
  await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < TRIAL_RUNS; i++) {
    const started = performance.now();
    await session.run(feeds);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(TRIAL_RUNS / 2)]!;
}
