// The inference worker process: loads one model and answers detect requests. Runs under
// child_process.fork (headless, tests) or Electron's utilityProcess (app); a crash or hang here
// cannot take the kiosk down — the supervisor in main restarts it.
import { closeSync, openSync, readSync } from 'node:fs';
import { Detector } from './detector';
import { readBarcode } from './barcode-reader';
import { hwcToChw, letterboxRgb } from '../image/letterbox';
import type { FromWorker, ToWorker, WorkerFrame } from './worker-protocol';

interface Port {
  on(event: 'message', listener: (message: ToWorker) => void): void;
  postMessage(message: FromWorker): void;
}

/** Electron's utilityProcess exposes process.parentPort; a forked Node child uses process.send. */
function parentPort(): Port {
  const electronPort = (
    process as unknown as {
      parentPort?: { on(e: 'message', l: (m: { data: ToWorker }) => void): void; postMessage(m: FromWorker): void };
    }
  ).parentPort;
  if (electronPort) {
    return {
      on: (_e, l) => electronPort.on('message', (m) => l(m.data)),
      postMessage: (m) => electronPort.postMessage(m),
    };
  }
  if (!process.send) throw new Error('the inference worker must be started by the kiosk (fork or utilityProcess)');
  return { on: (_e, l) => process.on('message', l), postMessage: (m) => process.send!(m) };
}

const port = parentPort();
let detector: Detector | undefined;
let barcodes = false;
/** The input tensor's memory, reused frame after frame; a frame that overlaps another gets its own. */
let spareTensor: Float32Array | undefined;

port.on('message', (message) => {
  if (message.type === 'load') {
    void Detector.load(message.options.model, message.options).then(
      (d) => {
        detector = d;
        barcodes = message.options.barcodes ?? false;
        port.postMessage({ type: 'loaded', info: d.info, graph: d.choice });
      },
      (error: Error) => port.postMessage({ type: 'load-failed', message: error.message }),
    );
  } else if (message.type === 'detect') {
    void detect(message.id, message.frame);
  }
});

/** The frames file main writes into (FrameSlots), opened once. */
let slots: { file: string; fd: number } | undefined;

function readSlot(frame: Extract<WorkerFrame, { kind: 'slot' }>): Uint8Array {
  if (slots?.file !== frame.file) {
    if (slots) closeSync(slots.fd);
    slots = { file: frame.file, fd: openSync(frame.file, 'r') };
  }
  const rgb = Buffer.allocUnsafe(frame.length);
  const read = readSync(slots.fd, rgb, 0, frame.length, frame.offset);
  if (read !== frame.length)
    throw new Error(`frame slot ${frame.offset} of ${frame.file}: ${read} of ${frame.length} bytes`);
  return rgb;
}

async function detect(id: number, frame: WorkerFrame): Promise<void> {
  if (!detector) return port.postMessage({ type: 'detect-failed', id, message: 'no model is loaded' });
  try {
    const started = performance.now();
    const [h, w] = detector.info.imgsz;
    const { rgb, letterbox } =
      frame.kind === 'rgb'
        ? { rgb: frame.data, letterbox: frame.letterbox }
        : frame.kind === 'slot'
          ? { rgb: readSlot(frame), letterbox: frame.letterbox }
          : await letterboxRgb(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), [h, w]);
    const runStarted = performance.now();
    const tensor = hwcToChw(rgb, w, h, spareTensor);
    spareTensor = undefined;
    const detections = await detector.detect(tensor, letterbox).finally(() => (spareTensor = tensor));
    const done = performance.now();
    const barcode = barcodes ? readBarcode(rgb, w, h) : null;
    port.postMessage({
      type: 'detections',
      id,
      result: { detections, barcode },
      ms: { total: done - started, run: done - runStarted },
    });
  } catch (error) {
    port.postMessage({ type: 'detect-failed', id, message: (error as Error).message });
  }
}
