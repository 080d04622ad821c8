// The barcode worker process: reads barcodes from full-resolution greyscale camera pictures with
// zxing-cpp (WebAssembly), one at a time. Its own process, like the inference worker: a read that
// takes long holds neither main nor the detector, and a crash here is restarted by BarcodeScanner.
import { readBarcode } from './barcode-reader';
import { SlotReader } from './frame-slots';
import { parentPort } from './worker-port';
import type { FromBarcodeWorker, ToBarcodeWorker } from './worker-protocol';

const port = parentPort<ToBarcodeWorker, FromBarcodeWorker>();
const slots = new SlotReader();

port.on('message', (message) => {
  if (message.type !== 'read') return;
  const { id, frame } = message;
  void (async () => {
    try {
      const grey = frame.kind === 'slot' ? slots.read(frame) : frame.data;
      const code = await readBarcode(grey, frame.width, frame.height);
      port.postMessage({ type: 'barcode', id, code });
    } catch (error) {
      port.postMessage({ type: 'read-failed', id, message: (error as Error).message });
    }
  })();
});
