import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { barcodeImage, CHAMBER, greyChamberWithCode } from '../../test/support/barcode-picture';
import { gtin } from '../config/gtin';
import { readBarcode } from './barcode-reader';

describe('readBarcode (zxing-cpp) on full-resolution chamber pictures', () => {
  const codes: Array<[string, string, string]> = [
    ['ean13', '8991002101234', '8991002101234'],
    ['ean8', '96385074', '96385074'],
    ['upca', '036000291452', '0036000291452'],
    ['upce', '01234565', '0012345000065'],
    ['databaromni', '(01)09501101530003', '9501101530003'],
    ['itf14', '15400141288763', '15400141288763'],
    ['gs1-128', '(01)09501101530003(10)ABC123', '9501101530003'],
  ];
  it.each(codes.flatMap(([bcid, text, read]) => [0, 90, 180, 270].map((r) => [bcid, r, text, read] as const)))(
    'reads %s turned %i° at the smallest size',
    async (bcid, rotate, text, read) => {
      const f = await greyChamberWithCode(bcid, text, rotate);
      expect(await readBarcode(f.grey, f.width, f.height)).toBe(read);
    },
  );

  it('returns null when there is no barcode, and refuses a picture of the wrong size', async () => {
    const { data, info } = await sharp(CHAMBER).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(await readBarcode(new Uint8Array(data), info.width, info.height)).toBeNull();
    await expect(readBarcode(new Uint8Array(10), 4, 4)).rejects.toThrow(/a 4×4 picture needs 16 bytes, got 10/);
  });
});

describe('only product numbers count', () => {
  it('reads the EAN beside a promo QR code, and nothing from a label with only the QR code or a Code 128', async () => {
    const qr = await barcodeImage('qrcode', 'https://promo.example/win', 0, 3);
    const both = await sharp(CHAMBER)
      .resize(1280, 720)
      .composite([
        { input: await barcodeImage('ean13', '8991002101234', 90), left: 520, top: 220 },
        { input: qr, left: 300, top: 200 },
      ])
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(await readBarcode(new Uint8Array(both.data), both.info.width, both.info.height)).toBe('8991002101234');
    for (const [bcid, text] of [
      ['qrcode', 'https://promo.example/win'],
      ['code128', 'RVM-12345'],
    ] as const) {
      const f = await greyChamberWithCode(bcid, text, 0, bcid === 'qrcode' ? 3 : 1);
      expect(await readBarcode(f.grey, f.width, f.height)).toBeNull();
    }
  });

  it.each([
    ['036000291452', '0036000291452'],
    ['(01)09501101530003', '9501101530003'],
    ['(01)09501101530003(17)251231', '9501101530003'],
    ['15400141288763', '15400141288763'],
    ['96385074', '96385074'],
    ['RVM-12345', null],
    ['https://promo.example/01234567', null],
    ['1234567', null],
  ])('%s → %s', (text, form) => expect(gtin(text)).toBe(form));
});
