export type YoloTask = 'detect' | 'segment';

export interface ModelInfo {
  readonly names: readonly string[];
  /** Model input [height, width]. */
  readonly imgsz: readonly [number, number];
  readonly task: YoloTask;
}

/** A model the kiosk cannot use; the message says what is wrong and what to do. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

/** Class names, input size and task from Ultralytics' ONNX metadata. */
export function parseModelInfo(meta: Readonly<Record<string, string>>, file: string): ModelInfo {
  if (!meta.names)
    throw new ModelError(`${file} has no "names" metadata: export it with Ultralytics (yolo export format=onnx)`);
  const names = parsePythonNames(meta.names, file);
  let imgsz: unknown;
  try {
    imgsz = JSON.parse(meta.imgsz ?? '');
  } catch {
    imgsz = undefined;
  }
  if (!Array.isArray(imgsz) || imgsz.length !== 2 || !imgsz.every((n) => Number.isInteger(n) && n > 0)) {
    throw new ModelError(
      `${file} has no usable "imgsz" metadata (found ${JSON.stringify(meta.imgsz)}; expected e.g. [640, 640])`,
    );
  }
  const task = meta.task ?? 'detect';
  if (task !== 'detect' && task !== 'segment') {
    throw new ModelError(`${file} is a "${task}" model; the kiosk runs detect or segment models`);
  }
  return { names, imgsz: [imgsz[0] as number, imgsz[1] as number], task };
}

/** `{0: 'person', 1: "it's"}` (a Python dict literal) → ['person', "it's"]; ids must be 0..n-1. */
export function parsePythonNames(text: string, file = 'model'): string[] {
  const entry = /\s*(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*(,|\})/gy;
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) throw new ModelError(`${file}: "names" metadata is not a dict literal`);
  const names: string[] = [];
  entry.lastIndex = 1;
  if (trimmed === '{}') throw new ModelError(`${file}: "names" metadata lists no classes`);
  for (;;) {
    const m = entry.exec(trimmed);
    if (!m) throw new ModelError(`${file}: cannot read "names" metadata near character ${entry.lastIndex}`);
    const id = Number(m[1]);
    if (id !== names.length)
      throw new ModelError(`${file}: class ids in "names" must run 0, 1, 2…; found ${id} at ${names.length}`);
    names.push((m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'));
    if (m[4] === '}') return names;
  }
}
