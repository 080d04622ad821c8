// The inference worker process: loads one model and answers detect requests. Runs under
// child_process.fork (headless, tests) or Electron's utilityProcess (app); a crash or hang here
// cannot take the kiosk down — the supervisor in main restarts it.
import { Detector } from './detector';
import { SlotReader } from './frame-slots';
import { hwcToChw, letterboxRgb } from '../image/letterbox';
import type { FromWorker, ToWorker, WorkerFrame } from './worker-protocol';
import { parentPort } from './worker-port';

const port = parentPort<ToWorker, FromWorker>();
let detector: Detector | undefined;
/** The input tensor's memory, reused frame after frame; a frame that overlaps another gets its own. */
let spareTensor: Float32Array | undefined;

port.on('message', (message) => {
  if (message.type === 'load') {
    void Detector.load(message.options.model, message.options).then(
      (d) => {
        detector = d;
        port.postMessage({ type: 'loaded', info: d.info, graph: d.choice });
      },
      (error: Error) => port.postMessage({ type: 'load-failed', message: error.message }),
    );
  } else if (message.type === 'detect') {
    void detect(message.id, message.frame);
  }
});

const slots = new SlotReader();

async function detect(id: number, frame: WorkerFrame): Promise<void> {
  if (!detector) return port.postMessage({ type: 'detect-failed', id, message: 'no model is loaded' });
  try {
    const started = performance.now();
    const [h, w] = detector.info.imgsz;
    const { rgb, letterbox } =
      frame.kind === 'rgb'
        ? { rgb: frame.data, letterbox: frame.letterbox }
        : frame.kind === 'slot'
          ? { rgb: slots.read(frame), letterbox: frame.letterbox }
          : await letterboxRgb(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), [h, w]);
    const tensor = hwcToChw(rgb, w, h, spareTensor);
    spareTensor = undefined;
    const detections = await detector.detect(tensor, letterbox).finally(() => (spareTensor = tensor));
    const done = performance.now();
    port.postMessage({
      type: 'detections',
      id,
      result: { detections },
      ms: { total: done - started, run: detector.lastRunMs },
    });
  } catch (error) {
    port.postMessage({ type: 'detect-failed', id, message: (error as Error).message });
  }
}
