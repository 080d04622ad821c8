import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';
import type { ItemVerdict, PreviewFrame } from '../../src-preload/contract';
import type { Camera, CameraState, Frame } from '../camera/camera';
import { pictureRegion } from '../image/letterbox';
import { FfmpegCamera } from '../camera/ffmpeg.camera';
import { ReplayCamera } from '../camera/replay.camera';
import type { Config } from '../config/config.schema';
import type { Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import { InferenceSupervisor, type VisionMetrics } from './inference.supervisor';
import { workerLiveness } from './worker-liveness';
import { loadManifest, type Manifest } from './model-manifest';
import { checkClasses, checkPrices } from './manifest-checks';
import { activeModel } from './active-model';
import { PresenceGate } from './presence-gate';
import { PreviewStream } from './preview-stream';
import { VisionPipeline, type PipelineDeps } from './vision.pipeline';
import { forkLauncher, type WorkerLauncher } from './worker-host';
import { BarcodeScanner, type BarcodeLauncher } from './barcode-scanner';

export interface VisionModuleDeps {
  readonly config: Config['vision'];
  /** Read barcodes from frames (pricing by barcode or an eligibility list is configured). */
  readonly readBarcodes: boolean;
  /** The materials deposit.materials prices: a model update whose rules accept another is refused. */
  readonly pricedMaterials?: readonly string[];
  readonly dataDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How the worker process is started (fork in headless mode, utilityProcess in Electron). */
  readonly launcher?: WorkerLauncher;
  /** How the barcode worker starts (the same two ways). */
  readonly barcodeLauncher?: BarcodeLauncher;
  /** A verdict and the frame it was made on (the platform gets that frame as evidence). */
  readonly onVerdict: (verdict: ItemVerdict, frame: Frame) => void;
  readonly onChamberEmpty: () => void;
  /** The customer's live view, while `previewActive()` (see PreviewStream). */
  readonly onPreview?: (frame: PreviewFrame) => void;
  readonly previewActive?: () => boolean;
  /** Sets (reason) or clears (null) an out-of-service cause: 'vision' or 'camera'. */
  readonly outOfService: (key: 'vision' | 'camera', reason: string | null) => void;
}

/** The built workers sit next to the built main bundle (dist/main/inference-worker.js, barcode-worker.js). */
const defaultLauncher = () => forkLauncher(fileURLToPath(new URL('./inference-worker.js', import.meta.url)));
const defaultBarcodeLauncher = (): BarcodeLauncher =>
  forkLauncher(fileURLToPath(new URL('./barcode-worker.js', import.meta.url)));

/** Camera → presence gate → worker → verdicts, with every failure turned into an out-of-service reason. */
export class VisionModule {
  readonly #d: VisionModuleDeps;
  #supervisor: InferenceSupervisor | undefined;
  #workerDownSince: number | undefined;
  /** From the item's arrival in the chamber to its verdict, for the last item (ms). */
  #verdictLatencyMs: number | null = null;
  /** What the detector sees in the chamber the presence gate calls empty (null: nothing). */
  #emptyViewProblem: string | null = null;
  #pipeline: VisionPipeline | undefined;
  #camera: Camera | undefined;
  #manifest: Manifest | undefined;
  #latestFrame: Frame | undefined;
  #manifestPath: string | undefined;
  #starting: Promise<void> | undefined;
  #stopped = false;
  /** Reads barcodes from the camera's full-resolution pictures when barcodes count. */
  #scanner: BarcodeScanner | undefined;

  constructor(deps: VisionModuleDeps) {
    this.#d = deps;
  }

  /** The running model's version (its manifest's), or null. */
  get modelVersion(): string | null {
    return this.#manifest?.version ?? null;
  }

  /** The manifest the running model came from. */
  get manifestPath(): string {
    return this.#manifestPath ?? this.activeManifestPath();
  }

  /**
   * The manifest to run: the one a model update made active (<data>/models/active.json), else
   * vision.manifest, else <data>/models/manifest.json.
   */
  activeManifestPath(): string {
    const active = activeModel(this.#d.dataDir);
    if (active && existsSync(active.manifest)) return active.manifest;
    return this.#d.config.manifest || join(this.#d.dataDir, 'models', 'manifest.json');
  }

  get supervisor(): InferenceSupervisor | undefined {
    return this.#supervisor;
  }

  /** The watchdog's question: has the inference worker been down past its grace? Null when fine. */
  workerProblem(now: number): string | null {
    const { downSince, problem } = workerLiveness(this.#supervisor?.state, this.#workerDownSince, now);
    this.#workerDownSince = downSince;
    return problem;
  }

  /** Never rejects: a missing or bad model, or a broken camera, leaves the kiosk up and out of service. */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const path = this.activeManifestPath();
    let manifest;
    try {
      manifest = loadManifest(path);
    } catch (error) {
      return this.#refuse(`no usable model: ${(error as Error).message}`);
    }
    const supervisor = this.#supervisorFor(manifest);
    this.#supervisor = supervisor;
    try {
      await supervisor.start();
    } catch (error) {
      return this.#refuse(`the model cannot run: ${(error as Error).message}`);
    }
    try {
      checkClasses(manifest, supervisor.info?.names, path);
    } catch (error) {
      supervisor.stop();
      return this.#refuse(`the model cannot run: ${(error as Error).message}`);
    }
    if (this.#stopped) return supervisor.stop();
    this.#d.outOfService('vision', null);
    this.#run(manifest, path, supervisor);
  }

  /**
   * Model update: loads `manifestPath`'s model in a fresh worker and, only once it has loaded, swaps it
   * in for the running one (camera and pipeline restarted on it). Throws, with the old model still
   * running, when the new one does not load. Call only while no customer session is open.
   */
  async swapModel(manifestPath: string): Promise<void> {
    await this.#starting; // never two models starting at once
    const manifest = loadManifest(manifestPath);
    const candidate = this.#supervisorFor(manifest);
    try {
      await candidate.start();
      checkClasses(manifest, candidate.info?.names, manifestPath);
      checkPrices(manifest, manifestPath, this.#d.pricedMaterials);
    } catch (error) {
      candidate.stop();
      throw new Error(`the new model does not load: ${(error as Error).message}`, { cause: error });
    }
    if (this.#stopped) return candidate.stop();
    this.#pipeline?.stop();
    this.#camera?.stop();
    this.#supervisor?.stop();
    this.#pipeline = undefined;
    this.#camera = undefined;
    this.#supervisor = candidate;
    this.#d.outOfService('vision', null);
    this.#run(manifest, manifestPath, candidate);
  }

  #supervisorFor(manifest: Manifest): InferenceSupervisor {
    const { config } = this.#d;
    const self: { supervisor?: InferenceSupervisor } = {};
    self.supervisor = new InferenceSupervisor({
      launch: this.#d.launcher ?? defaultLauncher(),
      load: {
        model: manifest.modelPath,
        conf: manifest.detectConfidence,
        iou: manifest.iou,
        threads: config.threads,
        integerConvs: config.integerConvs,
      },
      clock: this.#d.clock,
      logger: this.#d.logger.scope('vision'),
      hangMs: config.hangMs,
      onCondition: (_name, active, detail) => {
        // Only the running worker speaks for the kiosk (not a candidate, nor one swapped out).
        if (this.#supervisor === self.supervisor)
          this.#d.outOfService('vision', active ? `detector unstable: ${detail}` : null);
      },
    });
    return self.supervisor;
  }

  /** Camera → gate → worker on a started supervisor. */
  #run(manifest: Manifest, path: string, supervisor: InferenceSupervisor): void {
    const { config } = this.#d;
    const log = this.#d.logger.scope('vision');
    this.#manifest = manifest;
    this.#manifestPath = path;
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
      undecidedItemMs: config.undecidedItemMs,
      ...(this.#d.readBarcodes && { barcodes: this.#barcodeScanner(log), waitForBarcodeMs: config.barcodeWaitMs }),
      onVerdict: (verdict, latencyMs, frame) => {
        this.#verdictLatencyMs = latencyMs;
        this.#d.onVerdict(verdict, frame);
      },
      onChamberEmpty: () => this.#d.onChamberEmpty(),
      onEmptyView: (problem) => {
        if (problem !== this.#emptyViewProblem) {
          if (problem) log.warn(problem);
          else if (this.#emptyViewProblem) log.info('the empty chamber looks empty to the detector again');
        }
        this.#emptyViewProblem = problem;
      },
      ...this.#previewHooks(log),
    });
    this.#pipeline.start();
    log.info(
      `vision running: ${manifest.modelPath}${manifest.version ? ` (version ${manifest.version})` : ''} (${supervisor.info!.task}, ${size.join('×')}), camera ${config.camera.kind}`,
    );
  }

  #previewHooks(log: Logger): Pick<PipelineDeps, 'onFrame' | 'onDetections'> {
    const publish = this.#d.onPreview;
    const keep = (frame: Frame) => (this.#latestFrame = frame);
    if (!publish) return { onFrame: keep };
    let warned = false;
    const preview = new PreviewStream({
      fps: 12,
      quality: 70,
      clock: this.#d.clock,
      active: this.#d.previewActive ?? (() => true),
      publish,
      describe: (d) => this.#describe(d),
      onError: (error) => {
        if (!warned) log.warn(`live view frame not encoded: ${error.message}`);
        warned = true;
      },
    });
    return {
      onFrame: (frame) => {
        keep(frame);
        preview.frame(frame);
      },
      onDetections: (list, frameAt) => preview.detections(list, frameAt),
    };
  }

  /** A detection in the customer's words and colours, by the running manifest's rules. */
  #describe(d: { name: string; score: number }): {
    label: { id: string; en: string } | null;
    material: string | null;
    outcome: 'accept' | 'reject' | 'deciding';
  } {
    const manifest = this.#manifest;
    const rule = manifest && Object.hasOwn(manifest.classes, d.name) ? manifest.classes[d.name] : undefined;
    const label = manifest?.labels[d.name] ?? null;
    if (!manifest || !rule) return { label, material: null, outcome: manifest ? 'reject' : 'deciding' };
    if ('reject' in rule) return { label, material: null, outcome: 'reject' };
    const sure = d.score >= (rule.minConfidence ?? manifest.minConfidence);
    return { label, material: rule.material, outcome: sure ? 'accept' : 'deciding' };
  }

  /**
   * The newest camera frame as JPEG (the platform's CAPTURE_IMAGE: a chamber picture for its dataset),
   * the camera's view without the letterbox bars; null before the camera delivered one.
   */
  async captureFrame(): Promise<Uint8Array | null> {
    const frame = this.#latestFrame;
    if (!frame) return null;
    return sharp(frame.rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } })
      .extract(pictureRegion(frame.width, frame.height, frame.letterbox))
      .jpeg({ quality: 90 })
      .toBuffer();
  }

  /** For the monitor: the detector's numbers, frames dropped so far, and the camera's state (undefined before it starts). */
  stats(): {
    metrics: VisionMetrics | undefined;
    droppedFrames: number;
    camera: CameraState | undefined;
    verdictLatencyMs: number | null;
    emptyViewProblem: string | null;
  } {
    return {
      metrics: this.#supervisor?.metrics(),
      droppedFrames: this.#pipeline?.droppedFrames ?? 0,
      camera: this.#camera?.state,
      verdictLatencyMs: this.#verdictLatencyMs,
      emptyViewProblem: this.#emptyViewProblem,
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
    this.#stopped = true;
    this.#pipeline?.stop();
    this.#camera?.stop();
    this.#supervisor?.stop();
    this.#scanner?.stop();
  }

  /** One barcode worker for the module's life (a model swap keeps it). */
  #barcodeScanner(log: Logger): BarcodeScanner {
    this.#scanner ??= new BarcodeScanner({
      launch: this.#d.barcodeLauncher ?? defaultBarcodeLauncher(),
      clock: this.#d.clock,
      logger: log,
    });
    return this.#scanner;
  }

  #refuse(reason: string): void {
    this.#d.logger.scope('vision').error(reason);
    this.#d.outOfService('vision', reason);
  }

  #createCamera(size: readonly [number, number], logger: Logger): Camera {
    const { camera } = this.#d.config;
    if (camera.kind === 'replay')
      return new ReplayCamera({
        folder: camera.folder,
        fps: camera.fps,
        size,
        loop: camera.loop,
        greyRegion: this.#d.config.region,
      });
    const source = camera.kind === 'v4l2' ? camera : { kind: 'stream' as const, url: camera.url };
    return new FfmpegCamera({
      source,
      size,
      logger,
      greyFps: this.#d.config.barcodeFps,
      greyRegion: this.#d.config.region,
      onState: (state, reason) => {
        if (state === 'lost') this.#d.outOfService('camera', `camera lost: ${reason}`);
        else if (state === 'streaming') this.#d.outOfService('camera', null);
      },
    });
  }
}

export { activeModel, type ActiveModel } from './active-model';
