import { join } from 'node:path';
import bwipjs from 'bwip-js';
import sharp from 'sharp';

export const CHAMBER = join('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');

/** A barcode as bwip-js draws it (no human-readable text, a white quiet zone), turned `rotate` degrees. */
export async function barcodeImage(bcid: string, text: string, rotate = 0, scale = 1): Promise<Buffer> {
  const code = await bwipjs.toBuffer({
    bcid,
    text,
    scale,
    height: 10,
    includetext: false,
    backgroundcolor: 'FFFFFF',
    paddingwidth: 6,
    paddingheight: 4,
  });
  return sharp(code).rotate(rotate).toBuffer();
}

/** The chamber photo at a 720p camera's resolution with the code pasted on the bottle (sharp pipeline, not yet output). */
export async function chamberWithCode(bcid: string, text: string, rotate = 0, scale = 1) {
  return sharp(CHAMBER)
    .resize(1280, 720)
    .composite([{ input: await barcodeImage(bcid, text, rotate, scale), left: 520, top: 220 }]);
}

/** The same in grey, one byte per pixel: what the camera's second output gives the barcode reader. */
export async function greyChamberWithCode(bcid: string, text: string, rotate = 0, scale = 1) {
  const { data, info } = await (
    await chamberWithCode(bcid, text, rotate, scale)
  )
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { at: 0, grey: new Uint8Array(data), width: info.width, height: info.height };
}
