import { redactUrl } from '../camera/ffmpeg.camera';
import type { Config } from '../config/config.schema';
import type { CameraInfo } from '../platform/profile';

/** The chamber camera as the platform's discovery lists it (a stream address without credentials). */
export function chamberCameras(vision: Config['vision'], broken: boolean): CameraInfo[] {
  const camera = vision.camera;
  const path =
    camera.kind === 'v4l2'
      ? camera.device
      : camera.kind === 'replay'
        ? camera.folder
        : redactUrl(camera.url, () => '(stream)');
  const status = !vision.enabled ? 'inactive' : broken ? 'error' : 'active';
  return [{ id: 'chamber', path, name: `chamber (${camera.kind})`, status }];
}
