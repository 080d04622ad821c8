import { existsSync, readdirSync, statSync } from 'node:fs';
import { SetupCameraSchema, type SetupCamera } from '../../src-preload/contract';
import { ConfigSchema, type Config } from '../config/config.schema';
import { AppFailure } from '../kernel/router';
import { chamberCameras } from '../vision/camera-info';

// The camera setup chooses: any kind the config schema knows, merged over the configured one, checked.

/** Stream addresses setup takes (ffmpeg reads more; config.json can name any). */
const STREAM_PROTOCOLS = ['rtsp:', 'rtsps:', 'http:', 'https:'];

export type JsonObject = Record<string, unknown>;
export const objectOr = (value: unknown): JsonObject | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;

/** The vision section with `camera` (as config.json holds it) and defaults; undefined when the schema refuses it. */
function visionWith(camera: unknown): Config['vision'] | undefined {
  const parsed = ConfigSchema.safeParse({ vision: { camera } });
  return parsed.success ? parsed.data.vision : undefined;
}

/** Where the camera is, as the log and the screen may show it: a stream address without user and password. */
export const cameraPath = (vision: Config['vision']): string => chamberCameras(vision, false)[0]!.path;

/**
 * The camera to save: the one chosen, over the configured one when the kind is kept (its size, fps,
 * input format, loop … stay). A stream address shown without its password and sent back as it was
 * keeps the configured address, password and all.
 */
export function mergedCamera(configured: JsonObject | undefined, chosen: SetupCamera): JsonObject {
  if (configured?.kind !== chosen.kind) return { ...chosen };
  const vision = visionWith(configured);
  if (chosen.kind === 'stream' && vision && cameraPath(vision) === chosen.url) return { ...configured };
  return { ...configured, ...chosen };
}

/** The /dev/video* devices in `dir`, in number order. */
export function videoDevices(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => /^video\d+$/.test(name))
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
      .map((name) => `/dev/${name}`);
  } catch {
    return [];
  }
}

/** config.json's camera as the screen may show it; null when it has none (or one the schema refuses). */
export function shownCamera(fileConfig: JsonObject): SetupCamera | null {
  const configured = objectOr(objectOr(fileConfig.vision)?.camera);
  const vision = configured && visionWith(configured);
  if (!vision) return null;
  const { camera } = vision;
  const shown = SetupCameraSchema.safeParse(
    camera.kind === 'v4l2'
      ? { kind: 'v4l2', device: camera.device }
      : camera.kind === 'stream'
        ? { kind: 'stream', url: cameraPath(vision) }
        : { kind: 'replay', folder: camera.folder },
  );
  return shown.success ? shown.data : null;
}

/** What the schema lets through but no camera could open (named by its key, never quoting an address). */
export function checkCamera(camera: Config['vision']['camera']): void {
  if (camera.kind === 'stream') {
    let url: URL | undefined;
    try {
      url = new URL(camera.url);
    } catch {
      url = undefined;
    }
    if (!url || !url.host || !STREAM_PROTOCOLS.includes(url.protocol)) {
      throw new AppFailure(
        'BAD_REQUEST',
        'vision.camera.url: not a stream address; enter one such as rtsp://camera.local/stream (rtsp, rtsps, http or https)',
        { path: ['camera', 'url'] },
      );
    }
  } else if (camera.kind === 'replay') {
    if (!existsSync(camera.folder) || !statSync(camera.folder).isDirectory()) {
      throw new AppFailure(
        'BAD_REQUEST',
        `vision.camera.folder: ${camera.folder} is not a folder on this machine; copy the replay images there first`,
        { path: ['camera', 'folder'] },
      );
    }
  }
}
