import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';

/**
 * Every linear symbology a deposit scheme prints (EAN-8/13, UPC-A/E, GS1 DataBar, ITF-14, Code 128,
 * Code 39/93, Codabar) plus the matrix codes (QR, DataMatrix) some schemes add, at any rotation.
 */
const OPTIONS: ReaderOptions = {
  formats: ['AllLinear', 'QRCode', 'DataMatrix'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: false,
  maxNumberOfSymbols: 1,
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
 * One barcode from a greyscale picture (one byte per pixel), or null. zxing-cpp in WebAssembly: it
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
  const [found] = await readBarcodes(
    { data: rgba, width, height, colorSpace: 'srgb' } as unknown as Parameters<typeof readBarcodes>[0],
    OPTIONS,
  );
  return found?.isValid ? canonical(found.text) : null;
}

/** RGB (HWC bytes) → grey, as the camera's second output gives it (BT.601 luma). */
export function toGrey(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const grey = new Uint8Array(width * height);
  for (let i = 0, p = 0; p < grey.length; p++, i += 3) {
    grey[p] = (rgb[i]! * 77 + rgb[i + 1]! * 150 + rgb[i + 2]! * 29) >> 8;
  }
  return grey;
}

/**
 * One form per product: a GTIN as 13 digits where it fits (UPC-A's 12 and a GTIN-14 starting with 0,
 * from ITF-14 or DataBar "(01)…", are the same product as their EAN-13); other codes as read.
 */
export function canonical(text: string): string {
  const gtin = /^(?:\(01\))?(\d{8}|\d{12,14})$/.exec(text.trim())?.[1];
  if (!gtin) return text;
  if (gtin.length === 12) return `0${gtin}`;
  if (gtin.length === 14 && gtin.startsWith('0')) return gtin.slice(1);
  return gtin;
}
