import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { REJECT_REASONS } from '../../src-preload/contract';

const Range = (min: number, max: number) =>
  z
    .tuple([z.number().min(min).max(max), z.number().min(min).max(max)])
    .refine(([lo, hi]) => lo <= hi, 'a range is [lowest, highest]');

const ClassRule = z.union([
  z
    .object({
      material: z.string().regex(/^[a-z][a-z0-9_]*$/, 'material names are lower_snake_case'),
      /** Below this the item is rejected as low confidence (default: the manifest's). */
      minConfidence: z.number().min(0).max(1).optional(),
      /**
       * What a real item of this class looks like in the chamber: `area`, its share of the camera
       * picture (the mask's area where the model has masks, else the box's), and `aspect`, its long
       * side over its short side. Outside the range it is rejected as wrong_shape; an eligible barcode
       * accepts only an item within the range of a class of its material.
       */
      shape: z
        .object({ area: Range(0, 1).optional(), aspect: Range(1, 100).optional() })
        .strict()
        .optional(),
    })
    .strict(),
  z.object({ reject: z.enum(REJECT_REASONS) }).strict(),
]);

export const ManifestSchema = z
  .object({
    /** The ONNX file, relative to the manifest. */
    model: z.string().min(1),
    /** The model's version as the platform names it (v1 ai_model.target_version); reported in heartbeats. */
    version: z.string().min(1).max(64).optional(),
    /** Consecutive agreeing frames for one verdict. */
    votes: z.number().int().min(1).max(30).default(3),
    /** Detections below this are ignored (also passed to the model as its confidence threshold). */
    detectConfidence: z.number().min(0.01).max(0.99).default(0.25),
    iou: z.number().min(0.05).max(0.95).default(0.45),
    minConfidence: z.number().min(0).max(1).default(0.5),
    /** What each class of the model means; a class not listed is an "unknown item". */
    classes: z.record(z.string().min(1), ClassRule),
    /** The customer's words for each class, per language (the overlay names materials, not model classes). */
    labels: z
      .record(z.string().min(1), z.object({ id: z.string().min(1).max(40), en: z.string().min(1).max(40) }).strict())
      .default({}),
    /** SHA-256 (hex) of the model file: a package installed from a drive is checked against it. */
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be the SHA-256 of the model file (64 hex digits)')
      .optional(),
  })
  .strict();

export type Manifest = z.output<typeof ManifestSchema> & { readonly modelPath: string };
export type ClassRule = z.output<typeof ClassRule>;

/** Reads and checks a manifest; the error names the file, the key and the rule. */
export function loadManifest(path: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the model manifest ${path}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`the model manifest ${path} is invalid: ${problems}`);
  }
  const modelPath = isAbsolute(parsed.data.model) ? parsed.data.model : resolve(dirname(path), parsed.data.model);
  return { ...parsed.data, modelPath };
}

/**
 * The manifest's classes the model does not have (a manifest written for another model, or rules kept
 * from an older model after a retrain): a manifest naming them is refused rather than half-applied.
 */
export function classesMissingFromModel(
  manifest: Pick<Manifest, 'classes' | 'labels'>,
  names: readonly string[],
): string[] {
  const known = new Set(names);
  return [...new Set([...Object.keys(manifest.classes), ...Object.keys(manifest.labels)])].filter((c) => !known.has(c));
}
