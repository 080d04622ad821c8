import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CHAMBER, greyChamberWithCode } from '../../test/support/barcode-picture';
import { canonical, readBarcode } from './barcode-reader';

describe('readBarcode (zxing-cpp) on full-resolution chamber pictures', () => {
  const codes: Array<[string, string, string]> = [
    ['ean13', '8991002101234', '8991002101234'],
    ['ean8', '96385074', '96385074'],
    ['upca', '036000291452', '0036000291452'],
    ['upce', '01234565', '0012345000065'],
    ['databaromni', '(01)09501101530003', '9501101530003'],
    ['itf14', '15400141288763', '15400141288763'],
    ['code128', 'RVM-12345', 'RVM-12345'],
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

describe('one form per product', () => {
  it.each([
    ['036000291452', '0036000291452'],
    ['(01)09501101530003', '9501101530003'],
    ['15400141288763', '15400141288763'],
    ['96385074', '96385074'],
    ['RVM-12345', 'RVM-12345'],
  ])('%s → %s', (text, form) => expect(canonical(text)).toBe(form));
});
