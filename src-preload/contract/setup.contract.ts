import { z } from 'zod';
import { call } from './define';

/** The v1 provisioning file as the platform hands it out (its text, checked in main). */
const V1Setup = z.object({
  profile: z.literal('v1'),
  baseUrl: z.string().min(1),
  credentialsJson: z.string().min(2).max(10_000),
});
const V2Setup = z.object({
  profile: z.literal('v2'),
  baseUrl: z.string().min(1),
  rvmId: z.number().int().positive(),
  email: z.string().min(3).max(255),
  password: z.string().min(6).max(255),
  apiKey: z.string().max(255).optional(),
});
export const PlatformSetupSchema = z.discriminatedUnion('profile', [V1Setup, V2Setup]);
export type PlatformSetup = z.infer<typeof PlatformSetupSchema>;

/**
 * The chamber camera, of any kind config.json knows: a V4L2 device, a stream address (RTSP/HTTP) or a
 * replay folder of images. Main checks it against the config schema; what setup does not ask about
 * (size, fps, input format, loop) stays as configured when the kind is kept.
 */
export const SetupCameraSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('v4l2'),
    device: z.string().trim().startsWith('/dev/', 'a camera device such as /dev/video0').max(200),
  }),
  z.object({
    kind: z.literal('stream'),
    url: z.string().trim().min(1, 'a stream address such as rtsp://camera.local/stream').max(2000),
  }),
  z.object({
    kind: z.literal('replay'),
    folder: z.string().trim().min(1, 'a folder of images such as /var/lib/rvm-kiosk/replay').max(1000),
  }),
]);
export type SetupCamera = z.infer<typeof SetupCameraSchema>;

export const SetupRequestSchema = z.object({
  platform: PlatformSetupSchema,
  camera: SetupCameraSchema,
  /** One of `options().models`. */
  manifest: z.string().min(1),
  /** IANA zone such as Asia/Jakarta. */
  timezone: z.string().min(1).max(50),
  technician: z.object({
    name: z.string().trim().min(1).max(100),
    pin: z.string().regex(/^\d{6}$/, 'the PIN is 6 digits'),
  }),
});
export type SetupRequest = z.infer<typeof SetupRequestSchema>;

export const setupContract = {
  /** required: this machine has not been set up; unlocked: this screen gave the one-time code. */
  status: call(z.undefined(), z.object({ required: z.boolean(), unlocked: z.boolean() })),
  /** The one-time code printed in the log and on the console at start (journalctl -u rvm-kiosk). */
  unlock: call(z.object({ code: z.string().max(20) }), z.object({ unlocked: z.literal(true) })),
  /**
   * What can be chosen: cameras found, model manifests in the data folder, time zones; and the camera
   * config.json has now (a stream address without its user and password), null when it has none.
   */
  options: call(
    z.undefined(),
    z.object({
      cameras: z.array(z.string()),
      camera: SetupCameraSchema.nullable(),
      models: z.array(z.object({ manifest: z.string(), label: z.string() })),
      timezones: z.array(z.string()),
    }),
  ),
  /** One handshake (v1) or login (v2) with what was entered; nothing is saved. */
  testConnection: call(PlatformSetupSchema, z.object({ detail: z.string() })),
  /**
   * Saves everything, marks the machine set up and restarts the kiosk on it. `restarting`: false where
   * this runtime cannot restart itself (the screen then says to restart it by hand). A value refused is
   * a BAD_REQUEST whose `path` names its place in this request.
   */
  complete: call(SetupRequestSchema, z.object({ restarting: z.boolean() })),
} as const;
