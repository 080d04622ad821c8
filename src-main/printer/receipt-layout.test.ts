import { describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../test/support/escpos-decode';
import { PRINTER_COLUMNS } from '../config/printer.schema';
import { barcodeWidth, encodeReceipt, encodeTestPage, qrSize, type ReceiptInput } from './receipt-layout';

const QR = `RVM2.RVM-0042.1234567890128.165.1650IDR.tk3j5s.tmrxgs.${'S'.repeat(86)}`;

const receipt = (over: Partial<ReceiptInput> = {}): ReceiptInput => ({
  machineName: 'RVM Taman Sari',
  machineId: 'RVM-0042',
  sessionId: '0f3a9c2e-7b1d-4c55-9e0a-2f6d8b1c3a4e',
  at: Date.UTC(2026, 10, 22, 3, 5), // 10:05 in Jakarta
  timeZone: 'Asia/Jakarta',
  locale: 'id',
  identity: 'voucher',
  memberName: null,
  lines: [
    { material: 'Botol PET', count: 12, points: 120 },
    { material: 'Kaleng aluminium minuman ringan bekas', count: 3, points: 45 },
  ],
  totalPoints: 165,
  money: { amount: 1650, currency: 'IDR' },
  voucher: { qr: QR, barcode: '1234567890128', expiresAt: Date.UTC(2026, 11, 22, 16, 59) },
  footer: ['Terima kasih!', 'CS: 0812-3456-789'],
  reprint: false,
  ...over,
});

/** The paper's words in order, wrapped lines joined, so a check does not depend on where a line breaks. */
const flat = (lines: readonly string[]) =>
  lines
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');

describe('receipt layout', () => {
  for (const widthMm of [58, 80] as const) {
    const columns = PRINTER_COLUMNS[widthMm];

    it(`prints an Indonesian voucher receipt on ${widthMm} mm paper, no line wider than ${columns} columns`, () => {
      const paper = decodeEscPos(encodeReceipt(receipt(), { widthMm }));
      const text = flat(paper.lines);
      expect(paper.lines[0]?.trim()).toBe('RVM Taman Sari');
      expect(text).toContain('22 Nov 2026, 10.05');
      expect(text).toContain('Sesi: 0f3a9c2e');
      expect(text).toContain('Tamu (Voucher)');
      expect(paper.lines.find((l) => l.startsWith('Botol PET'))).toMatch(/^Botol PET\s+12\s+120$/);
      expect(text).toContain('Kaleng aluminium');
      expect(paper.lines.find((l) => l.startsWith('Total poin'))).toMatch(/^Total poin\s+165$/);
      expect(paper.lines.find((l) => l.startsWith('Nilai'))).toMatch(/^Nilai\s+Rp 1\.650$/);
      expect(paper.qrcodes).toEqual([QR]);
      expect(paper.barcodes).toEqual([{ type: 'code128', data: '1234567890128' }]);
      expect(paper.lines.map((l) => l.trim())).toContain('1234567890128');
      expect(text).toContain('berlaku sampai 22 Des 2026, 23.59');
      expect(text).toContain('Terima kasih!');
      expect(text).not.toContain('CETAK ULANG');
      expect(paper.cuts).toBe(1);
      expect(Math.max(...paper.lineWidths)).toBeLessThanOrEqual(columns);
    });

    it(`prints an English member receipt on ${widthMm} mm paper, marked as a reprint`, () => {
      const paper = decodeEscPos(
        encodeReceipt(
          receipt({ locale: 'en', identity: 'member', memberName: 'Siti Nurhaliza', voucher: null, reprint: true }),
          { widthMm },
        ),
      );
      const text = flat(paper.lines);
      expect(text).toContain('22 Nov 2026, 10:05');
      expect(text).toContain('Session: 0f3a9c2e');
      expect(text).toContain('Member: Siti Nurhaliza');
      expect(paper.lines.find((l) => l.startsWith('Total points'))).toMatch(/^Total points\s+165$/);
      expect(paper.lines.find((l) => l.startsWith('Value'))).toMatch(/^Value\s+IDR 1,650$/);
      expect(paper.lines.map((l) => l.trim())).toContain('*** REPRINT ***');
      expect(paper.qrcodes).toEqual([]);
      expect(paper.barcodes).toEqual([]);
      expect(Math.max(...paper.lineWidths)).toBeLessThanOrEqual(columns);
    });

    it(`wraps long names and footers within ${columns} columns on ${widthMm} mm paper`, () => {
      const long = 'Supermarket Sumber Rejeki Makmur Sentosa Abadi Cabang Jalan Raya';
      const paper = decodeEscPos(
        encodeReceipt(
          receipt({
            machineName: long,
            identity: 'member',
            memberName: 'Raden Ajeng Kartini Djojoadhiningrat binti Sosroningrat',
            lines: [{ material: 'Plastik'.repeat(10), count: 1, points: 10 }],
            footer: ['x'.repeat(60)],
          }),
          { widthMm },
        ),
      );
      expect(Math.max(...paper.lineWidths)).toBeLessThanOrEqual(columns);
      expect(flat(paper.lines)).toContain('Sumber Rejeki Makmur');
    });
  }

  it('prints a donation receipt without money, and drops control characters from names', () => {
    const paper = decodeEscPos(
      encodeReceipt(receipt({ identity: 'donation', money: null, voucher: null, machineName: 'RVM\x1b@ Kota' }), {
        widthMm: 80,
      }),
    );
    const text = flat(paper.lines);
    expect(text).toContain('Donasi');
    expect(text).not.toContain('Nilai');
    expect(paper.lines[0]?.trim()).toBe('RVM@ Kota');
  });

  it('decodes characters outside ASCII back from the code page the encoder picked', () => {
    const paper = decodeEscPos(
      encodeReceipt(receipt({ locale: 'en', identity: 'member', memberName: 'José — “Pepe”', voucher: null }), {
        widthMm: 80,
      }),
    );
    expect(flat(paper.lines)).toContain('Member: José — “Pepe”');
  });

  it('prints a test page with a ruler exactly as wide as the paper', () => {
    for (const widthMm of [58, 80] as const) {
      const columns = PRINTER_COLUMNS[widthMm];
      const page = decodeEscPos(
        encodeTestPage({
          machineName: 'RVM Taman Sari',
          machineId: 'RVM-0042',
          at: Date.UTC(2026, 10, 22, 3, 5),
          timeZone: 'Asia/Jakarta',
          locale: 'en',
          widthMm,
          config: `tcp printer 10.0.0.5:9100, ${widthMm} mm`,
        }),
      );
      expect(page.lines).toContain('1234567890'.repeat(5).slice(0, columns));
      expect(flat(page.lines)).toContain(`Printer: tcp printer 10.0.0.5:9100, ${widthMm} mm`);
      expect(page.qrcodes).toEqual(['RVM-0042']);
      expect(page.barcodes).toEqual([{ type: 'code128', data: '0123456789' }]);
      expect(page.cuts).toBe(1);
      expect(Math.max(...page.lineWidths)).toBeLessThanOrEqual(columns);
    }
  });

  it('sizes the QR code and the bars to the paper', () => {
    expect(qrSize(QR, 58)).toBeLessThan(qrSize(QR, 80));
    expect(qrSize('x'.repeat(2000), 58)).toBe(1);
    expect(barcodeWidth('1234567890128', 58)).toBe(1);
    expect(barcodeWidth('1234567890128', 80)).toBe(2);
    expect(barcodeWidth('9'.repeat(40), 58)).toBeNull();
  });

  it('fails loudly on bytes the decoder does not know', () => {
    expect(() => decodeEscPos(Uint8Array.of(0x41, 0x1b, 0x7f))).toThrow(/ESC 0x7f at offset 1/);
    expect(() => decodeEscPos(Uint8Array.of(0x41, 0x42, 0x07))).toThrow(/0x07 at offset 2/);
  });
});
