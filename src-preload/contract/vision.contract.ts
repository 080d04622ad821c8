import { z } from 'zod';
import { event } from './define';

/** One detection as the customer screen draws it: in source-frame pixels. */
export const PreviewDetectionSchema = z.object({
  className: z.string(),
  score: z.number().min(0).max(1),
  /** x1, y1, x2, y2 in source pixels. */
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  /** Segmentation models: the outline in source pixels. */
  mask: z.array(z.tuple([z.number(), z.number()])).optional(),
  /** What the customer reads instead of the model's class: the manifest's words, else the material's. */
  label: z.object({ id: z.string(), en: z.string() }).nullable().optional(),
  material: z.string().nullable().optional(),
  /** How the box is coloured: taken (a priced material), handed back (a reject or unknown class), or not sure yet. */
  outcome: z.enum(['accept', 'reject', 'deciding']).optional(),
});
export type PreviewDetection = z.infer<typeof PreviewDetectionSchema>;

/**
 * A downscaled camera frame for the insert screen, with the detections current when it was taken.
 * Sent ≥ 10 times a second while a session takes items, never otherwise.
 */
export const PreviewFrameSchema = z.object({
  seq: z.number().int().nonnegative(),
  at: z.number(),
  /** JPEG, base64. */
  jpeg: z.string().min(1),
  /** Size of the JPEG. */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Size of the camera frame the detections' coordinates refer to. */
  sourceWidth: z.number().positive(),
  sourceHeight: z.number().positive(),
  detections: z.array(PreviewDetectionSchema),
});
export type PreviewFrame = z.infer<typeof PreviewFrameSchema>;

export const visionContract = {
  preview: event(PreviewFrameSchema),
} as const;
