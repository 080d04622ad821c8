import { z } from 'zod';
import { byGtin, GTIN_KEY, GTIN_RULE } from './gtin';

/** `vision`: the camera, the detector and what is kept of what it sees. */
const CameraSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('v4l2'),
      device: z.string().startsWith('/dev/', 'must be a device path such as /dev/video0').default('/dev/video0'),
      width: z.number().int().positive().default(1280),
      height: z.number().int().positive().default(720),
      fps: z.number().int().min(1).max(60).default(15),
      /**
       * What the camera is asked to send: mjpeg (most USB cameras at 720p and up), yuyv422 (raw, for
       * cameras that offer nothing else), or auto: mjpeg, and raw if the camera refuses it.
       */
      inputFormat: z.enum(['auto', 'mjpeg', 'yuyv422']).default('auto'),
    })
    .strict(),
  z.object({ kind: z.literal('stream'), url: z.string().min(1) }).strict(),
  z
    .object({
      kind: z.literal('replay'),
      folder: z.string().min(1),
      fps: z.number().min(0.1).max(60).default(5),
      loop: z.boolean().default(true),
    })
    .strict(),
]);

export const VisionSchema = z
  .object({
    /** Off only for machines without a camera (tests, UI work); a kiosk needs it to take items. */
    enabled: z.boolean().default(true),
    /** The model manifest; empty means <data folder>/models/manifest.json. */
    manifest: z.string().default(''),
    camera: CameraSchema.default({
      kind: 'v4l2',
      device: '/dev/video0',
      width: 1280,
      height: 720,
      fps: 15,
      inputFormat: 'auto',
    }),
    /** onnxruntime threads in the worker; leave one core to main and ffmpeg. */
    threads: z.number().int().min(1).max(16).default(1),
    /**
     * Dynamically quantised (ConvInteger) models: `auto` times the model as it is and dequantised to
     * float at load and runs the faster; `keep` and `float` force one.
     */
    integerConvs: z.enum(['auto', 'keep', 'float']).default('auto'),
    /** The chamber floor, as fractions of the frame, for the presence gate. */
    region: z
      .object({
        x: z.number().min(0).max(1).default(0),
        y: z.number().min(0).max(1).default(0),
        w: z.number().gt(0).max(1).default(1),
        h: z.number().gt(0).max(1).default(1),
      })
      .strict()
      .prefault({}),
    hangMs: z.number().int().min(1000).max(60_000).default(10_000),
    /** Full-resolution grey pictures per second read for barcodes (when barcodes count). */
    barcodeFps: z.number().min(0.5).max(15).default(4),
    /** When barcodes count, a verdict waits at most this long after the item arrived for its barcode (ms). */
    barcodeWaitMs: z.number().int().min(0).max(10_000).default(1500),
    /** An item still undecided this long after it was first seen is handed back as not recognised (never silence). */
    undecidedItemMs: z.number().int().min(500).max(30_000).default(3000),
    /**
     * The machine's own training data (README: Bring your own chamber model): the frame behind each
     * verdict, kept on the machine within maxMb; leaves it only by export.
     */
    dataset: z
      .object({
        enabled: z.boolean().default(true),
        maxMb: z.number().int().min(10).max(100_000).default(500),
        /** Frames where the model sees one of these (a person, a hand) are dropped, or kept with it blurred. */
        peopleClasses: z.array(z.string().min(1)).default(['person', 'hand']),
        people: z.enum(['drop', 'blur']).default('drop'),
      })
      .strict()
      .prefault({}),
    /** Barcode → material. When not empty, an eligible barcode accepts an item the model is unsure of; others reject. */
    eligibleBarcodes: z.record(z.string().regex(GTIN_KEY, GTIN_RULE), z.string().min(1)).default({}).transform(byGtin),
  })
  .strict();
