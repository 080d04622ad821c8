import { join } from 'node:path';
import bwipjs from 'bwip-js';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readBarcode } from './barcode-reader';

const CHAMBER = join('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');

/** The chamber photo with a barcode we render ourselves pasted on the bottle. */
async function frameWith(bcid: string, text: string, scale = 2) {
  const code = await bwipjs.toBuffer({
    bcid,
    text,
    scale,
    height: 12,
    includetext: false,
    backgroundcolor: 'FFFFFF',
    paddingwidth: 6,
    paddingheight: 4,
  });
  const { data, info } = await sharp(CHAMBER)
    .composite([{ input: code, left: 330, top: 150 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width: info.width, height: info.height };
}

describe('readBarcode', () => {
  it('reads an EAN-13 on the bottle', async () => {
    const f = await frameWith('ean13', '8991002101234');
    expect(readBarcode(f.rgb, f.width, f.height)).toBe('8991002101234');
  });

  it('reads a UPC-A and returns it as EAN-13', async () => {
    const f = await frameWith('upca', '036000291452');
    expect(readBarcode(f.rgb, f.width, f.height)).toBe('0036000291452');
  });

  it('returns null when there is no barcode', async () => {
    const { data, info } = await sharp(CHAMBER).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(readBarcode(new Uint8Array(data), info.width, info.height)).toBeNull();
  });
});
