import { z } from 'zod';
import { action, view } from './define';

export const SAMPLE_LABELS = ['unreviewed', 'confirmed', 'corrected', 'no_item', 'bad_image'] as const;
const NormBox = z.tuple([
  z.number().min(0).max(1),
  z.number().min(0).max(1),
  z.number().min(0).max(1),
  z.number().min(0).max(1),
]);

export const TrainingSampleSchema = z.object({
  id: z.number().int(),
  at: z.number(),
  modelVersion: z.string().nullable(),
  className: z.string(),
  score: z.number(),
  /** Centre and size as fractions of the picture (YOLO); null when the model saw nothing. */
  box: NormBox.nullable(),
  accepted: z.boolean(),
  reason: z.string().nullable(),
  barcode: z.string().nullable(),
  priority: z.number(),
  width: z.number().int(),
  height: z.number().int(),
  label: z.enum(SAMPLE_LABELS),
  labelClass: z.string().nullable(),
  labelBox: NormBox.nullable(),
});
export type TrainingSample = z.infer<typeof TrainingSampleSchema>;

export const DatasetStatsSchema = z.object({
  samples: z.number().int(),
  bytes: z.number().int(),
  byLabel: z.record(z.string(), z.number().int()),
  /** Reviewed samples per class (progress per class). */
  byClass: z.record(z.string(), z.number().int()),
  /** The running model's classes, in its order: what a correction can choose (or a new name). */
  classes: z.array(z.string()),
});

export const datasetContract = {
  stats: view('view_status', z.undefined(), DatasetStatsSchema),
  /** The most informative first; `label` narrows to one review state. */
  samples: view(
    'view_status',
    z.object({
      label: z.enum([...SAMPLE_LABELS, 'all']).default('unreviewed'),
      limit: z.number().int().min(1).max(100).default(20),
      offset: z.number().int().min(0).default(0),
    }),
    z.array(TrainingSampleSchema),
  ),
  /** The sample's picture as a JPEG data URL. */
  image: view('view_status', z.object({ id: z.number().int() }), z.object({ dataUrl: z.string() })),
  label: action(
    'view_status',
    z.object({
      id: z.number().int(),
      label: z.enum(['confirmed', 'corrected', 'no_item', 'bad_image']),
      /** corrected: the class it really is (one of the model's, or a new lower_snake_case name). */
      className: z
        .string()
        .regex(/^[A-Za-z0-9_ -]{1,40}$/, 'a class name: letters, digits, spaces, - and _')
        .optional(),
      box: NormBox.optional(),
    }),
    TrainingSampleSchema,
  ),
  /** An Ultralytics YOLO dataset on a removable drive below maintenance.exportRoots. */
  export: action(
    'view_logs',
    z.object({ target: z.string().min(1), includeUnreviewed: z.boolean().default(false) }),
    z.object({
      folder: z.string(),
      images: z.object({ train: z.number().int(), val: z.number().int() }),
      byClass: z.record(z.string(), z.number().int()),
      skipped: z.number().int(),
    }),
  ),
} as const;
