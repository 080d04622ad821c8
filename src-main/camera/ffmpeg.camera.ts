import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { letterboxFor, type Fractions, type Letterbox } from '../image/letterbox';
import type { Logger } from '../log/logger';
import { greyGeometry, type Camera, type CameraState, type Frame, type GreyFrame } from './camera';

export type FfmpegSource =
  | {
      readonly kind: 'v4l2';
      readonly device: string;
      readonly width: number;
      readonly height: number;
      readonly fps: number;
      /** auto: mjpeg first, then whatever raw format the camera offers. */
      readonly inputFormat?: 'auto' | 'mjpeg' | 'yuyv422';
    }
  | { readonly kind: 'stream'; readonly url: string };

/** A network camera that accepts the connection and then says nothing fails within this (µs for ffmpeg). */
const STREAM_TIMEOUT_S = 5;

export interface FfmpegCameraOptions {
  readonly source: FfmpegSource;
  /** Model input [height, width]: ffmpeg scales and letterboxes to it and emits raw RGB. */
  readonly size: readonly [number, number];
  /** No frame for this long → the camera is lost and restarted. */
  readonly lostAfterMs?: number;
  readonly maxBackoffMs?: number;
  readonly ffmpegPath?: string;
  readonly logger: Logger;
  readonly onState?: (state: CameraState, reason: string) => void;
  /** Full-resolution grey pictures per second for barcodes (when start() is given onGrey). */
  readonly greyFps?: number;
  /** The chamber region (fractions of the model frame): the grey picture is cut to it. */
  readonly greyRegion?: Fractions;
}

/**
 * One owner of the camera device: ffmpeg decodes, scales and letterboxes (grey 114) to the model's
 * input size and writes raw RGB frames to a pipe, so no JPEG is decoded on the hot path. A lost
 * camera is restarted with back-off until it returns.
 */
export class FfmpegCamera implements Camera {
  readonly #o: FfmpegCameraOptions;
  #state: CameraState = 'stopped';
  #child: ChildProcess | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #backoffMs = 1000;
  #seq = 0;
  #reason = '';

  constructor(options: FfmpegCameraOptions) {
    this.#o = options;
  }

  get state(): CameraState {
    return this.#state;
  }

  get reason(): string {
    return this.#reason;
  }

  /** The ffmpeg process id (diagnostics, CPU accounting in the benchmark). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(onFrame: (frame: Frame) => void, onGrey?: (frame: GreyFrame) => void): void {
    this.#onGrey = onGrey;
    this.#generation++;
    this.#set('starting', 'starting ffmpeg');
    this.#spawn(onFrame);
  }

  stop(): void {
    this.#generation++;
    this.#set('stopped', 'stopped');
    clearTimeout(this.#retry);
    clearTimeout(this.#watchdog);
    this.#child?.kill('SIGKILL');
    this.#child = undefined;
  }

  #onGrey: ((frame: GreyFrame) => void) | undefined;
  /** Set when a v4l2 camera refused mjpeg (auto): later starts ask for raw frames. */
  #rawInput = false;
  /** Bumped by start() and stop(): a probe that answers for an earlier run is ignored. */
  #generation = 0;

  #spawn(onFrame: (frame: Frame) => void): void {
    const generation = this.#generation;
    // The probe runs as a child process with a timeout; nothing here waits on the main thread.
    this.#geometry().then(
      (letterbox) => {
        if (generation === this.#generation && this.#state !== 'stopped') this.#run(letterbox, onFrame);
      },
      (error: Error) => {
        if (generation === this.#generation) this.#lost(error.message, onFrame);
      },
    );
  }

  #run(letterbox: Letterbox, onFrame: (frame: Frame) => void): void {
    const [h, w] = this.#o.size;
    const grey = this.#onGrey && greyGeometry(letterbox, this.#o.size, this.#o.greyRegion);
    const child = spawn(this.#o.ffmpegPath ?? 'ffmpeg', this.#args(letterbox, grey), {
      stdio: ['ignore', 'pipe', 'pipe', ...(grey ? (['pipe'] as const) : [])],
    });
    this.#child = child;
    child.stdout!.on(
      'data',
      fixedFrames(w * h * 3, (rgb) => {
        // Output still in the pipe of a child that was stopped or replaced is not this run's.
        if (this.#child !== child) return;
        if (this.#state !== 'streaming') this.#set('streaming', 'frames arriving');
        this.#backoffMs = 1000;
        this.#armWatchdog(child, onFrame);
        onFrame({ seq: this.#seq++, at: Date.now(), rgb, width: w, height: h, letterbox });
      }),
    );
    if (grey) {
      const onGrey = this.#onGrey!;
      (child.stdio[3] as NodeJS.ReadableStream).on(
        'data',
        // One buffer for every grey picture: the reader copies what it reads (into its RAM slot).
        fixedFrames(
          grey.width * grey.height,
          (bytes) => {
            if (this.#child === child) onGrey({ at: Date.now(), grey: bytes, width: grey.width, height: grey.height });
          },
          true,
        ),
      );
    }
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'ENOENT'
          ? 'ffmpeg is not installed: install the "ffmpeg" package (apt-get install ffmpeg)'
          : error.message;
      if (this.#child === child) this.#lost(reason, onFrame);
    });
    child.on('exit', (code, signal) => {
      if (this.#child !== child || this.#state === 'stopped') return;
      const { source } = this.#o;
      if (
        source.kind === 'v4l2' &&
        (source.inputFormat ?? 'auto') === 'auto' &&
        !this.#rawInput &&
        refusedFormat(stderr)
      ) {
        // A camera that offers only raw frames (YUYV): ask for those from now on, at once.
        this.#rawInput = true;
        this.#o.logger.warn(`camera ${source.device} refused mjpeg; using its raw format`);
        this.#child = undefined;
        return this.#spawn(onFrame);
      }
      this.#lost(
        `ffmpeg ${signal ? `was killed (${signal})` : `exited with code ${code}`}: ${scrub(stderr.trim().split('\n').at(-1) ?? '')}`,
        onFrame,
      );
    });
    this.#armWatchdog(child, onFrame);
  }

  #armWatchdog(child: ChildProcess, onFrame: (frame: Frame) => void): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      if (this.#child === child) this.#lost(`no frame for ${(this.#o.lostAfterMs ?? 5000) / 1000} s`, onFrame);
    }, this.#o.lostAfterMs ?? 5000);
  }

  #lost(reason: string, onFrame: (frame: Frame) => void): void {
    if (this.#state === 'stopped') return;
    clearTimeout(this.#watchdog);
    const child = this.#child;
    this.#child = undefined;
    child?.kill('SIGKILL');
    this.#set('lost', reason);
    this.#o.logger.warn(`camera lost: ${reason}; retrying in ${this.#backoffMs / 1000} s`);
    this.#retry = setTimeout(() => this.#spawn(onFrame), this.#backoffMs);
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#o.maxBackoffMs ?? 30_000);
  }

  #set(state: CameraState, reason: string): void {
    this.#state = state;
    this.#reason = reason;
    this.#o.onState?.(state, reason);
  }

  /** The letterbox ffmpeg is told to apply, computed exactly as for still images. */
  async #geometry(): Promise<Letterbox> {
    const { source } = this.#o;
    if (source.kind === 'v4l2') return letterboxFor(source.width, source.height, this.#o.size);
    const { width, height } = await probeSize(source.url, this.#o.ffmpegPath);
    return letterboxFor(width, height, this.#o.size);
  }

  #args(lb: Letterbox, grey: ReturnType<typeof greyGeometry> | undefined): string[] {
    const [h, w] = this.#o.size;
    const newW = Math.round(lb.srcWidth * lb.scale);
    const newH = Math.round(lb.srcHeight * lb.scale);
    const filter = `scale=${newW}:${newH}:flags=bilinear,pad=${w}:${h}:${lb.padX}:${lb.padY}:color=0x727272`;
    const raw = ['-f', 'rawvideo'];
    // Two outputs of one decode: the model's letterboxed RGB on stdout, the full picture in grey on fd 3.
    const outputs = grey
      ? [
          '-filter_complex',
          `[0:v]split=2[a][b];[a]${filter}[model];` +
            `[b]fps=${this.#o.greyFps ?? 4},crop=${grey.crop.width}:${grey.crop.height}:${grey.crop.left}:${grey.crop.top},` +
            `scale=${grey.width}:${grey.height},format=gray[grey]`,
          '-map',
          '[model]',
          '-pix_fmt',
          'rgb24',
          ...raw,
          'pipe:1',
          '-map',
          '[grey]',
          '-pix_fmt',
          'gray',
          ...raw,
          'pipe:3',
        ]
      : ['-vf', filter, '-pix_fmt', 'rgb24', ...raw, 'pipe:1'];
    const { source } = this.#o;
    const format = source.kind === 'v4l2' ? (source.inputFormat ?? 'auto') : undefined;
    const inputFormat = format === 'yuyv422' || this.#rawInput ? 'yuyv422' : 'mjpeg';
    const input =
      source.kind === 'v4l2'
        ? [
            '-f',
            'v4l2',
            '-input_format',
            inputFormat,
            '-video_size',
            `${source.width}x${source.height}`,
            '-framerate',
            String(source.fps),
            '-i',
            source.device,
          ]
        : isFile(source.url)
          ? ['-re', '-stream_loop', '-1', '-i', source.url]
          : [...streamOptions(source.url), '-i', source.url];
    return ['-hide_banner', '-loglevel', 'error', '-nostdin', ...input, '-an', ...outputs];
  }
}

/**
 * A pipe of back-to-back raw frames → one buffer per frame, each copied once whatever the chunk sizes
 * (`reuse`: the same buffer each time, for a consumer that copies during the call).
 */
function fixedFrames(frameBytes: number, onFrame: (bytes: Uint8Array) => void, reuse = false): (chunk: Buffer) => void {
  let frame = Buffer.allocUnsafeSlow(frameBytes);
  let filled = 0;
  return (chunk) => {
    for (let offset = 0; offset < chunk.length;) {
      const n = Math.min(frameBytes - filled, chunk.length - offset);
      chunk.copy(frame, filled, offset, offset + n);
      filled += n;
      offset += n;
      if (filled < frameBytes) continue;
      const bytes = new Uint8Array(frame.buffer, frame.byteOffset, frameBytes);
      if (!reuse) frame = Buffer.allocUnsafeSlow(frameBytes);
      filled = 0;
      onFrame(bytes);
    }
  };
}

const isFile = (url: string) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(url);

/**
 * Network camera options: RTSP over TCP (UDP loses packets through NAT and Wi-Fi) and a socket
 * timeout, so a camera that accepts the connection and never answers fails instead of hanging.
 */
export function streamOptions(url: string): string[] {
  const timeoutUs = String(STREAM_TIMEOUT_S * 1_000_000);
  if (/^rtsps?:\/\//i.test(url)) return ['-rtsp_transport', 'tcp', '-timeout', timeoutUs];
  if (/^https?:\/\//i.test(url)) return ['-rw_timeout', timeoutUs];
  return [];
}

/** ffmpeg's words when a v4l2 device does not offer the asked format. */
function refusedFormat(stderr: string): boolean {
  return /Cannot find a proper format/i.test(stderr);
}

/**
 * Width and height of the first video stream (ffprobe, next to ffmpeg), asynchronously with a
 * timeout: an unreachable camera never holds the main thread.
 */
export function probeSize(
  url: string,
  ffmpegPath = 'ffmpeg',
  timeoutMs = (STREAM_TIMEOUT_S + 5) * 1000,
): Promise<{ width: number; height: number }> {
  const ffprobe = ffmpegPath.replace(/ffmpeg$/, 'ffprobe');
  const args = [
    '-v',
    'error',
    ...(isFile(url) ? [] : streamOptions(url)),
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height',
    '-of',
    'json',
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      ffprobe,
      args,
      { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = (error as NodeJS.ErrnoException | null)?.code;
        if (code === 'ENOENT') {
          return reject(new Error('ffprobe is not installed: install the "ffmpeg" package (apt-get install ffmpeg)'));
        }
        if (error && (error as { killed?: boolean }).killed) {
          return reject(new Error(`the camera at ${redactUrl(url)} did not answer within ${timeoutMs / 1000} s`));
        }
        let stream: { width?: number; height?: number } | undefined;
        try {
          stream = (JSON.parse(stdout || '{}') as { streams?: Array<{ width?: number; height?: number }> })
            .streams?.[0];
        } catch {
          stream = undefined;
        }
        if (!stream?.width || !stream.height) {
          return reject(
            new Error(`no video stream in ${redactUrl(url)}: ${scrub(stderr.trim().split('\n').at(-1) ?? '')}`),
          );
        }
        resolve({ width: stream.width, height: stream.height });
      },
    );
  });
}

/** Camera credentials (scheme://user:password@host) taken out of ffmpeg's own messages. */
function scrub(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
}

/**
 * A stream address without its user:password part (RTSP cameras often carry them), for messages and
 * the platform's camera list. Not a URL (a file path): `whenNotUrl` says what to show.
 */
export function redactUrl(url: string, whenNotUrl: (text: string) => string = scrub): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return whenNotUrl(url);
  }
}
