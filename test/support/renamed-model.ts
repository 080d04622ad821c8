import { readFileSync } from 'node:fs';
import { parseModelInfo } from '../../src-main/vision/model-info';
import { readOnnxMetadata, writeOnnxMetadata } from '../../src-main/vision/onnx-metadata';

/**
 * A fixture model whose classes carry other names (a retrained chamber model's, say), generated at run
 * time: the same graph, its Ultralytics "names" metadata rewritten. `renames`: class id → new name.
 */
export function renamedModel(file: string, renames: Readonly<Record<number, string>>): Uint8Array {
  const bytes = readFileSync(file);
  const names = parseModelInfo(readOnnxMetadata(bytes), file).names.map((name, id) => renames[id] ?? name);
  const literal = `{${names.map((name, id) => `${id}: '${name}'`).join(', ')}}`;
  return writeOnnxMetadata(bytes, { names: literal });
}
