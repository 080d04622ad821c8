import { parseArgs } from 'node:util';
import { Detector, type IntegerConvMode } from './detector';
import { letterboxImage } from '../image/letterbox';
import { ModelError } from './model-info';

const USAGE = `usage: npm run detect -- --model <file.onnx> --image <file> [--conf 0.25] [--iou 0.45] [--graph keep|float|auto] [--json]
  --graph: run integer convolutions as shipped (keep, default), dequantised (float) or the faster (auto)
  prints the detections in source-image pixels, one a line ("no detections …" when there are none);
  --json: [{classId, name, score, box: [x1, y1, x2, y2]}] ([] when there are none)`;

/** `npm run detect`: one image through the same letterbox, model and decoding as the kiosk. */
export async function runDetectCli(argv: readonly string[], out: (line: string) => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        model: { type: 'string' },
        image: { type: 'string' },
        conf: { type: 'string', default: '0.25' },
        iou: { type: 'string', default: '0.45' },
        graph: { type: 'string', default: 'keep' },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    out(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const conf = Number(values.conf);
  const iou = Number(values.iou);
  const graph = values.graph;
  const modes: readonly string[] = ['keep', 'float', 'auto'];
  const problem = (
    [
      [!values.model, '--model is missing'],
      [!values.image, '--image is missing'],
      [!(conf > 0 && conf < 1), `--conf ${values.conf} is not between 0 and 1`],
      [!(iou > 0 && iou < 1), `--iou ${values.iou} is not between 0 and 1`],
      [!modes.includes(graph), `--graph ${graph} is not keep, float or auto`],
    ] as const
  ).find(([bad]) => bad)?.[1];
  const { model, image } = values;
  if (problem || !model || !image) {
    out(`${problem}\n${USAGE}`);
    return 2;
  }
  try {
    const detector = await Detector.load(model, {
      conf,
      iou,
      threads: 2,
      integerConvs: graph as IntegerConvMode,
    });
    const { tensor, letterbox } = await letterboxImage(image, detector.info.imgsz);
    const detections = await detector.detect(tensor, letterbox);
    const classes = detector.info.names.length;
    await detector.release();
    const rounded = detections.map((d) => ({ ...d, score: round(d.score, 4), box: d.box.map((v) => round(v, 1)) }));
    if (values.json) out(JSON.stringify(rounded));
    else if (!rounded.length)
      out(`no detections (${classes} classes, conf ≥ ${conf}; a lower --conf shows weaker ones)`);
    else for (const d of rounded) out(`${d.name.padEnd(16)} ${d.score.toFixed(2)}  [${d.box.join(', ')}]`);
    return 0;
  } catch (error) {
    if (error instanceof ModelError) {
      out(`model refused: ${error.message}`);
      return 1;
    }
    out(`cannot detect: ${(error as Error).message}`);
    return 1;
  }
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

if (process.argv[1]?.endsWith('detect-cli.js')) {
  process.exitCode = await runDetectCli(process.argv.slice(2), (line) => console.log(line));
}
