import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { Letterbox } from './letterbox';
import { ModelError, parseModelInfo, type ModelInfo } from './model-info';
import { maskPolygon } from './yolo-masks';
import { readOnnxMetadata } from './onnx-metadata';
import { decodeCandidates, layoutOf, nms, toDetections, type Detection, type OutputLayout } from './yolo-decode';

export interface DetectorOptions {
  readonly conf: number;
  readonly iou: number;
  /** onnxruntime intra-op threads; the kiosk leaves one core for main and ffmpeg. */
  readonly threads?: number;
}

/** One loaded YOLO model: checked at load (metadata and a trial run), then decoded the same way each frame. */
export class Detector {
  private constructor(
    readonly file: string,
    readonly info: ModelInfo,
    readonly layout: OutputLayout,
    private readonly session: ort.InferenceSession,
    private readonly options: DetectorOptions,
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
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: options.threads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      throw new ModelError(`onnxruntime cannot load ${file}: ${(error as Error).message}`);
    }
    const [h, w] = info.imgsz;
    const trial = await session.run({
      [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(3 * h * w), [1, 3, h, w]),
    });
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
    return new Detector(file, info, layout, session, options);
  }

  /** Raw session.run on a ready tensor: the benchmark's baseline. */
  async run(tensor: Float32Array): Promise<ort.InferenceSession.ReturnType> {
    const [h, w] = this.info.imgsz;
    return this.session.run({ [this.session.inputNames[0]!]: new ort.Tensor('float32', tensor, [1, 3, h, w]) });
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
