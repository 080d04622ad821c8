import type { Frame } from '../camera/camera';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ItemVerdict, PreviewFrame } from '../../src-preload/contract';
import type { Camera, CameraState } from '../camera/camera';
import { FfmpegCamera } from '../camera/ffmpeg.camera';
import { ReplayCamera } from '../camera/replay.camera';
import type { Config } from '../config/config.schema';
import type { Clock } from '../core/clock';
import type { Logger } from '../log/logger';
import { InferenceSupervisor, type VisionMetrics } from './inference.supervisor';
import { loadManifest } from './model-manifest';
import { PresenceGate } from './presence-gate';
import { PreviewStream } from './preview-stream';
import { VisionPipeline, type PipelineDeps } from './vision.pipeline';
import { forkLauncher, type WorkerLauncher } from './worker-host';

export interface VisionModuleDeps {
  readonly config: Config['vision'];
  /** Read barcodes from frames (pricing by barcode or an eligibility list is configured). */
  readonly readBarcodes: boolean;
  readonly dataDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How the worker process is started (fork in headless mode, utilityProcess in Electron). */
  readonly launcher?: WorkerLauncher;
  /** A verdict and the frame it was made on (the platform gets that frame as evidence). */
  readonly onVerdict: (verdict: ItemVerdict, frame: Frame) => void;
  readonly onChamberEmpty: () => void;
  /** The customer's live view, while `previewActive()` (see PreviewStream). */
  readonly onPreview?: (frame: PreviewFrame) => void;
  readonly previewActive?: () => boolean;
  /** Sets (reason) or clears (null) an out-of-service cause: 'vision' or 'camera'. */
  readonly outOfService: (key: 'vision' | 'camera', reason: string | null) => void;
}

/** The built worker sits next to the built main bundle (dist/main/inference-worker.js). */
const defaultLauncher = () => forkLauncher(fileURLToPath(new URL('./inference-worker.js', import.meta.url)));

/** Camera → presence gate → worker → verdicts, with every failure turned into an out-of-service reason. */
export class VisionModule {
  readonly #d: VisionModuleDeps;
  #supervisor: InferenceSupervisor | undefined;
  #pipeline: VisionPipeline | undefined;
  #camera: Camera | undefined;

  constructor(deps: VisionModuleDeps) {
    this.#d = deps;
  }

  get supervisor(): InferenceSupervisor | undefined {
    return this.#supervisor;
  }

  /** Never rejects: a missing or bad model, or a broken camera, leaves the kiosk up and out of service. */
  async start(): Promise<void> {
    const { config, logger } = this.#d;
    const log = logger.scope('vision');
    let manifest;
    try {
      manifest = loadManifest(config.manifest || join(this.#d.dataDir, 'models', 'manifest.json'));
    } catch (error) {
      return this.#refuse(`no usable model: ${(error as Error).message}`);
    }
    const supervisor = new InferenceSupervisor({
      launch: this.#d.launcher ?? defaultLauncher(),
      load: {
        model: manifest.modelPath,
        conf: manifest.detectConfidence,
        iou: manifest.iou,
        threads: config.threads,
        integerConvs: config.integerConvs,
        barcodes: this.#d.readBarcodes,
      },
      clock: this.#d.clock,
      logger: log,
      hangMs: config.hangMs,
      onCondition: (_name, active, detail) =>
        this.#d.outOfService('vision', active ? `detector unstable: ${detail}` : null),
    });
    this.#supervisor = supervisor;
    try {
      await supervisor.start();
    } catch (error) {
      return this.#refuse(`the model cannot run: ${(error as Error).message}`);
    }
    this.#d.outOfService('vision', null);
    const size = supervisor.info!.imgsz;
    try {
      this.#camera = this.#createCamera(size, log);
    } catch (error) {
      this.#d.outOfService('camera', `camera: ${(error as Error).message}`);
      return;
    }
    this.#pipeline = new VisionPipeline({
      camera: this.#camera,
      supervisor,
      manifest,
      logger: log,
      gate: new PresenceGate({ region: config.region }),
      eligibleBarcodes: config.eligibleBarcodes,
      onVerdict: (verdict, _latency, frame) => this.#d.onVerdict(verdict, frame),
      onChamberEmpty: () => this.#d.onChamberEmpty(),
      ...this.#previewHooks(log),
    });
    this.#pipeline.start();
    log.info(
      `vision running: ${manifest.modelPath} (${supervisor.info!.task}, ${size.join('×')}), camera ${config.camera.kind}`,
    );
  }

  #previewHooks(log: Logger): Pick<PipelineDeps, 'onFrame' | 'onDetections'> {
    const publish = this.#d.onPreview;
    if (!publish) return {};
    let warned = false;
    const preview = new PreviewStream({
      fps: 12,
      quality: 70,
      clock: this.#d.clock,
      active: this.#d.previewActive ?? (() => true),
      publish,
      onError: (error) => {
        if (!warned) log.warn(`live view frame not encoded: ${error.message}`);
        warned = true;
      },
    });
    return { onFrame: (frame) => preview.frame(frame), onDetections: (list) => preview.detections(list) };
  }

  /** For the monitor: the detector's numbers, frames dropped so far, and the camera's state (undefined before it starts). */
  stats(): { metrics: VisionMetrics | undefined; droppedFrames: number; camera: CameraState | undefined } {
    return {
      metrics: this.#supervisor?.metrics(),
      droppedFrames: this.#pipeline?.droppedFrames ?? 0,
      camera: this.#camera?.state,
    };
  }

  /** Maintenance: reopens the camera. Throws when vision never got as far as a camera. */
  restartCamera(): string {
    if (!this.#pipeline || !this.#camera) {
      throw new Error('the camera is not running (see the out-of-service reason: the model or camera failed to start)');
    }
    this.#pipeline.restartCamera();
    return `camera ${this.#d.config.camera.kind} restarted`;
  }

  /** Maintenance: restarts the inference worker (the restart counter moves). */
  restartWorker(): number {
    const supervisor = this.#supervisor;
    if (!supervisor?.restartWorker('restart requested in maintenance')) {
      throw new Error(`the inference worker is not running (${supervisor?.state ?? 'vision not started'})`);
    }
    return supervisor.metrics().restarts;
  }

  stop(): void {
    this.#pipeline?.stop();
    this.#camera?.stop();
    this.#supervisor?.stop();
  }

  #refuse(reason: string): void {
    this.#d.logger.scope('vision').error(reason);
    this.#d.outOfService('vision', reason);
  }

  #createCamera(size: readonly [number, number], logger: Logger): Camera {
    const { camera } = this.#d.config;
    if (camera.kind === 'replay')
      return new ReplayCamera({ folder: camera.folder, fps: camera.fps, size, loop: camera.loop });
    const source = camera.kind === 'v4l2' ? camera : { kind: 'stream' as const, url: camera.url };
    return new FfmpegCamera({
      source,
      size,
      logger,
      onState: (state, reason) => {
        if (state === 'lost') this.#d.outOfService('camera', `camera lost: ${reason}`);
        else if (state === 'streaming') this.#d.outOfService('camera', null);
      },
    });
  }
}
