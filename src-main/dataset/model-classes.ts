import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.schema';
import { loadManifest } from '../vision/model-manifest';
import { parseModelInfo } from '../vision/model-info';
import { activeModel } from '../vision/vision.module';
import { readOnnxMetadata } from '../vision/onnx-metadata';

/**
 * The installed model's class names in its own order (its ONNX "names"), read from the file (the CLI,
 * or a kiosk whose worker is not running), so an exported dataset keeps their ids and a retrained model
 * stays compatible; [] when there is no readable model.
 */
export function modelClasses(config: Config, dataDir: string): string[] {
  const active = activeModel(dataDir);
  const path =
    active && existsSync(active.manifest)
      ? active.manifest
      : config.vision.manifest || join(dataDir, 'models', 'manifest.json');
  try {
    const manifest = loadManifest(path);
    const info = parseModelInfo(readOnnxMetadata(readFileSync(manifest.modelPath)), manifest.modelPath);
    return [...info.names];
  } catch {
    return [];
  }
}
