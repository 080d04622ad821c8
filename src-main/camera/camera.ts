import { regionInPicture, type Fractions, type Letterbox } from '../image/letterbox';

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
 * The grey picture's geometry: the chamber region (fractions of the letterboxed model frame, as the
 * presence gate uses it) cut out of the camera picture, then scaled to at most GREY_MAX_WIDTH wide.
 * Codes outside the chamber (signage, the next bottle in the customer's hand) are never read.
 */
export function greyGeometry(lb: Letterbox, size: readonly [number, number], region: Fractions = WHOLE) {
  const crop = regionInPicture(region, lb, size);
  const scale = Math.min(1, GREY_MAX_WIDTH / crop.width);
  return {
    crop,
    width: Math.max(1, Math.round(crop.width * scale)),
    height: Math.max(1, Math.round(crop.height * scale)),
  };
}

const WHOLE: Fractions = { x: 0, y: 0, w: 1, h: 1 };

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
