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

/** Grey pictures wider than this are scaled down (a 4K camera's 8 MB frames would read no better). */
export const GREY_MAX_WIDTH = 1920;

/**
 * The camera's own picture, full resolution, greyscale (one byte per pixel): what barcodes are read
 * from. Its bytes are valid only during the callback (the camera reuses them); copy what you keep.
 */
export interface GreyFrame {
  readonly at: number;
  readonly grey: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export type CameraState = 'stopped' | 'starting' | 'streaming' | 'lost' | 'ended';

/** A source of frames: a USB camera or stream through ffmpeg, or a folder of images (replay). */
export interface Camera {
  readonly state: CameraState;
  /**
   * Frames at the model's size go to onFrame; when onGrey is given, the full-resolution picture also
   * goes there, greyscale, a few times a second.
   */
  start(onFrame: (frame: Frame) => void, onGrey?: (frame: GreyFrame) => void): void;
  stop(): void;
}
