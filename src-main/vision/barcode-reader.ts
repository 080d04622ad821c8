import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gtin } from '../config/gtin';
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';

/**
 * Every symbology a product number is printed in (EAN-8/13, UPC-A/E, GS1 DataBar, ITF-14, GS1-128 and
 * the other linear codes, GS1 DataMatrix and QR), at any rotation; several per picture, because a label
 * may carry a promo QR code beside its EAN: only product numbers (GTINs) count.
 */
const OPTIONS: ReaderOptions = {
  formats: ['AllLinear', 'QRCode', 'DataMatrix'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: false,
  maxNumberOfSymbols: 4,
};

/** The reader's WebAssembly next to the built bundle (dist/main, where the build copies it), else from node_modules. */
export function zxingWasmPath(): string {
  const beside = fileURLToPath(new URL('./zxing_reader.wasm', import.meta.url));
  return existsSync(beside) ? beside : createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
}

let prepared = false;

/** Loads zxing-cpp's WebAssembly from a file (never from the network, which the library would try). */
export function prepareBarcodeReader(wasm: Uint8Array = readFileSync(zxingWasmPath())): void {
  prepareZXingModule({
    overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer },
  });
  prepared = true;
}

/**
 * The product number (GTIN, see gtin()) of a barcode in a greyscale picture (one byte per pixel), or null. zxing-cpp in WebAssembly: it
 * blocks its thread for tens of ms on a 720p frame, so the kiosk runs it in the barcode worker.
 */
export async function readBarcode(grey: Uint8Array, width: number, height: number): Promise<string | null> {
  if (grey.length !== width * height)
    throw new Error(`a ${width}×${height} picture needs ${width * height} bytes, got ${grey.length}`);
  if (!prepared) prepareBarcodeReader();
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0, q = 0; p < grey.length; p++, q += 4) {
    const v = grey[p]!;
    rgba[q] = v;
    rgba[q + 1] = v;
    rgba[q + 2] = v;
    rgba[q + 3] = 255;
  }
  const found = await readBarcodes(
    { data: rgba, width, height, colorSpace: 'srgb' } as unknown as Parameters<typeof readBarcodes>[0],
    OPTIONS,
  );
  for (const code of found) {
    const number = code.isValid ? gtin(code.text) : null;
    if (number) return number;
  }
  return null;
}
