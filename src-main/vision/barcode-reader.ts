import zxing from '@zxing/library';

const HINTS = new Map<zxing.DecodeHintType, unknown>([
  [zxing.DecodeHintType.POSSIBLE_FORMATS, [zxing.BarcodeFormat.EAN_13, zxing.BarcodeFormat.UPC_A]],
  [zxing.DecodeHintType.TRY_HARDER, true],
]);
const reader = new zxing.MultiFormatReader();

/**
 * EAN-13 / UPC-A from an RGB frame (HWC bytes), or null. Pure-JS zxing: installs offline and runs in
 * the inference worker, off main's event loop. UPC-A comes back as its 13-digit EAN form.
 */
export function readBarcode(rgb: Uint8Array, width: number, height: number): string | null {
  const luminance = new Uint8ClampedArray(width * height);
  for (let i = 0, p = 0; p < luminance.length; p++, i += 3) {
    luminance[p] = (rgb[i]! * 77 + rgb[i + 1]! * 150 + rgb[i + 2]! * 29) >> 8;
  }
  try {
    const bitmap = new zxing.BinaryBitmap(
      new zxing.HybridBinarizer(new zxing.RGBLuminanceSource(luminance, width, height)),
    );
    const result = reader.decode(bitmap, HINTS);
    const text = result.getText();
    return result.getBarcodeFormat() === zxing.BarcodeFormat.UPC_A && text.length === 12 ? `0${text}` : text;
  } catch (error) {
    if (
      error instanceof zxing.NotFoundException ||
      error instanceof zxing.ChecksumException ||
      error instanceof zxing.FormatException
    ) {
      return null;
    }
    throw error;
  }
}
