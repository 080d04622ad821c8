import type { Letterbox } from '../image/letterbox';

/** One camera frame, already letterboxed to the model's input size (RGB, HWC bytes). */
export interface Frame {
  readonly seq: number;
  readonly at: number;
  readonly rgb: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly letterbox: Letterbox;
}

export type CameraState = 'stopped' | 'starting' | 'streaming' | 'lost' | 'ended';

/** A source of frames: a USB camera or stream through ffmpeg, or a folder of images (replay). */
export interface Camera {
  readonly state: CameraState;
  start(onFrame: (frame: Frame) => void): void;
  stop(): void;
}
