import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { PRINTER_COLUMNS } from '../config/printer.schema';

export type PaperWidth = 58 | 80;
export type ReceiptLocale = 'id' | 'en';

export interface ReceiptInput {
  readonly machineName: string;
  readonly machineId: string;
  readonly sessionId: string;
  /** When the session ended (epoch ms). */
  readonly at: number;
  /** IANA zone the machine's dates are printed in. */
  readonly timeZone: string;
  readonly locale: ReceiptLocale;
  readonly identity: 'member' | 'guest' | 'donation' | 'voucher';
  readonly memberName: string | null;
  readonly lines: readonly { readonly material: string; readonly count: number; readonly points: number }[];
  readonly totalPoints: number;
  /** The session's money value in currency units (IDR: whole rupiah); null where no money is priced. */
  readonly money: { readonly amount: number; readonly currency: string } | null;
  /** qr: the full signed code; barcode: the short numeric code for Code128 (and to type in). */
  readonly voucher: { readonly qr: string; readonly barcode: string; readonly expiresAt: number } | null;
  readonly footer: readonly string[];
  readonly reprint: boolean;
}

export interface TestPageInfo {
  readonly machineName: string;
  readonly machineId: string;
  readonly at: number;
  readonly timeZone: string;
  readonly locale: ReceiptLocale;
  readonly widthMm: PaperWidth;
  /** How the printer is configured, e.g. describePrinter(config). */
  readonly config: string;
}

const TEXT = {
  en: {
    session: 'Session',
    item: 'Item',
    count: 'Qty',
    points: 'Points',
    totalPoints: 'Total points',
    value: 'Value',
    member: 'Member',
    guest: 'Guest',
    donation: 'Donation',
    voucher: 'Voucher',
    voucherCode: 'Voucher code',
    validUntil: 'valid until',
    reprint: '*** REPRINT ***',
    testPage: 'Printer test page',
    machine: 'Machine',
    printer: 'Printer',
    columns: 'columns',
    testEnd: 'If this page is readable and cut, the printer works.',
  },
  id: {
    session: 'Sesi',
    item: 'Barang',
    count: 'Jml',
    points: 'Poin',
    totalPoints: 'Total poin',
    value: 'Nilai',
    member: 'Anggota',
    guest: 'Tamu',
    donation: 'Donasi',
    voucher: 'Voucher',
    voucherCode: 'Kode voucher',
    validUntil: 'berlaku sampai',
    reprint: '*** CETAK ULANG ***',
    testPage: 'Halaman uji printer',
    machine: 'Mesin',
    printer: 'Printer',
    columns: 'kolom',
    testEnd: 'Jika halaman ini terbaca dan terpotong, printer berfungsi.',
  },
} as const satisfies Record<ReceiptLocale, Record<string, string>>;

/** Intl's locale for each receipt language: Indonesian, and British English (day first, 24 h like Indonesia). */
const INTL_LOCALE: Record<ReceiptLocale, string> = { id: 'id-ID', en: 'en-GB' };
/** Print-head width in dots at 203 dpi. */
const DOTS: Record<PaperWidth, number> = { 58: 384, 80: 576 };

/** A customer's receipt: what went in, the points and value, the voucher to take to the till. */
export function encodeReceipt(input: ReceiptInput, opts: { readonly widthMm: PaperWidth }): Uint8Array {
  const t = TEXT[input.locale];
  const columns = PRINTER_COLUMNS[opts.widthMm];
  const e = start(columns);
  header(e, input.machineName, formatDateTime(input.at, input.timeZone, input.locale));
  e.line(clean(`${t.session}: ${shortReference(input.sessionId)}`));
  e.line(clean(identityLine(input)));
  e.rule();
  itemTable(e, input, columns);
  e.rule();
  const totals: string[][] = [[t.totalPoints, formatCount(input.totalPoints, input.locale)]];
  if (input.money) totals.push([t.value, formatMoney(input.money.amount, input.money.currency, input.locale)]);
  e.bold(true).table(splitColumns(columns), totals.map(cleanRow)).bold(false);
  if (input.voucher) voucherBlock(e, input.voucher, input, opts.widthMm);
  if (input.footer.length > 0) {
    e.newline().align('center');
    for (const line of input.footer) e.line(clean(line));
    e.align('left');
  }
  if (input.reprint) e.newline().align('center').bold(true).line(t.reprint).bold(false).align('left');
  return finish(e);
}

/** What a technician prints to check paper, width, cutter and codes. */
export function encodeTestPage(info: TestPageInfo): Uint8Array {
  const t = TEXT[info.locale];
  const columns = PRINTER_COLUMNS[info.widthMm];
  const e = start(columns);
  header(e, info.machineName, formatDateTime(info.at, info.timeZone, info.locale));
  e.align('center').bold(true).line(t.testPage).bold(false).align('left').rule();
  e.line(clean(`${t.machine}: ${info.machineId}`));
  e.line(clean(`${t.printer}: ${info.config}`));
  e.line(`${columns} ${t.columns}:`);
  // A ruler exactly as wide as the paper: a wrapped or cut-off last digit means the wrong printer.widthMm.
  e.line(Array.from({ length: columns }, (_, i) => String((i + 1) % 10)).join(''));
  e.rule();
  e.align('center').qrcode(clean(info.machineId), {
    model: 2,
    size: qrSize(info.machineId, info.widthMm),
    errorlevel: 'm',
  });
  const code = '0123456789';
  const width = barcodeWidth(code, info.widthMm);
  if (width !== null) e.barcode(code, 'code128', { height: 64, width, text: 'none' });
  e.line(code).align('left').newline();
  e.line(t.testEnd);
  return finish(e);
}

type Encoder = ReceiptPrinterEncoder;

function start(columns: number): Encoder {
  return new ReceiptPrinterEncoder({ language: 'esc-pos', columns }).initialize().codepage('auto');
}

function finish(e: Encoder): Uint8Array {
  // The cutter sits a few lines above the print head: feed the last line past it first.
  return e.newline(3).cut().encode();
}

function header(e: Encoder, machineName: string, at: string): void {
  e.align('center').bold(true).line(clean(machineName)).bold(false).line(clean(at)).align('left').newline();
}

function identityLine(input: ReceiptInput): string {
  const t = TEXT[input.locale];
  switch (input.identity) {
    case 'member':
      return input.memberName ? `${t.member}: ${input.memberName}` : t.member;
    case 'guest':
      return t.guest;
    case 'donation':
      return t.donation;
    case 'voucher':
      return `${t.guest} (${t.voucher})`;
  }
}

function itemTable(e: Encoder, input: ReceiptInput, columns: number): void {
  const t = TEXT[input.locale];
  const countW = columns >= 48 ? 8 : 6;
  const pointsW = columns >= 48 ? 10 : 8;
  const layout = [
    { width: columns - countW - pointsW, overflow: 'wrap' as const },
    { width: countW, align: 'right' as const },
    { width: pointsW, align: 'right' as const },
  ];
  const rows = input.lines.map((line) => [
    line.material,
    formatCount(line.count, input.locale),
    formatCount(line.points, input.locale),
  ]);
  e.bold(true)
    .table(layout, [[t.item, t.count, t.points]])
    .bold(false);
  if (rows.length > 0) e.table(layout, rows.map(cleanRow));
}

function voucherBlock(
  e: Encoder,
  voucher: NonNullable<ReceiptInput['voucher']>,
  input: ReceiptInput,
  widthMm: PaperWidth,
): void {
  const t = TEXT[input.locale];
  const columns = PRINTER_COLUMNS[widthMm];
  e.newline().align('center').bold(true).line(t.voucher).bold(false);
  e.qrcode(voucher.qr, { model: 2, size: qrSize(voucher.qr, widthMm), errorlevel: 'm' });
  const width = barcodeWidth(voucher.barcode, widthMm);
  // Too long for a readable Code128 across the paper: the code is printed as text only.
  if (width !== null) e.barcode(voucher.barcode, 'code128', { height: 64, width, text: 'none' });
  e.line(`${t.voucherCode}:`).bold(true).line(clean(voucher.barcode)).bold(false);
  const until = clean(formatDateTime(voucher.expiresAt, input.timeZone, input.locale));
  // On one line where it fits, else the date whole on a line of its own.
  if (t.validUntil.length + 1 + until.length <= columns) e.line(`${t.validUntil} ${until}`);
  else e.line(t.validUntil).line(until);
  e.align('left');
}

/** Two columns, the label left and the value right, over the whole width. */
function splitColumns(columns: number) {
  const right = Math.floor(columns / 2);
  return [
    { width: columns - right, overflow: 'wrap' as const },
    { width: right, align: 'right' as const },
  ];
}

/** The session's reference as staff read it out: the first 8 characters of its id. */
export function shortReference(sessionId: string): string {
  return sessionId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8);
}

export function formatDateTime(at: number, timeZone: string, locale: ReceiptLocale): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' };
  try {
    return new Intl.DateTimeFormat(INTL_LOCALE[locale], { ...options, timeZone }).format(at);
  } catch {
    // A zone this Intl does not know (config checks it; an old ICU may not): UTC, and say so.
    return `${new Intl.DateTimeFormat(INTL_LOCALE[locale], { ...options, timeZone: 'UTC' }).format(at)} UTC`;
  }
}

export function formatMoney(amount: number, currency: string, locale: ReceiptLocale): string {
  try {
    return new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency }).format(amount);
  } catch {
    return `${formatCount(amount, locale)} ${currency}`;
  }
}

function formatCount(value: number, locale: ReceiptLocale): string {
  return new Intl.NumberFormat(INTL_LOCALE[locale]).format(value);
}

/**
 * Text as the printer may receive it: Intl's no-break and narrow spaces become spaces (code pages lack
 * them), and control characters (an ESC in a member's name would be a printer command) are dropped.
 */
function clean(text: string): string {
  const spaced = text.replace(/[\u00a0\u2007\u2009\u202f]/g, ' ');
  return [...spaced].filter((ch) => !isControl(ch.codePointAt(0) ?? 0)).join('');
}

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

function cleanRow(row: readonly string[]): string[] {
  return row.map(clean);
}

/** QR Code model 2 byte capacity at error level M, versions 1–40. */
const QR_CAPACITY_M = [
  14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666, 711, 779, 857, 911,
  997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
];

/** The largest module size (1–8 dots) at which the QR, with its quiet zone, fits 90 % of the print width. */
export function qrSize(data: string, widthMm: PaperWidth): number {
  const bytes = Buffer.byteLength(data, 'utf8');
  const version = QR_CAPACITY_M.findIndex((capacity) => capacity >= bytes) + 1 || 40;
  const modules = 17 + 4 * version + 8;
  return Math.max(1, Math.min(8, Math.floor((DOTS[widthMm] * 0.9) / modules)));
}

/** The encoder's bar width option (1–3: 2–4 dots a module) that fits Code128 B across the paper; null if none does. */
export function barcodeWidth(data: string, widthMm: PaperWidth): 1 | 2 | 3 | null {
  const modules = 11 * data.length + 35; // start, one symbol a character, check symbol, stop (13)
  for (const width of [3, 2, 1] as const) if (modules * (width + 1) <= DOTS[widthMm] * 0.95) return width;
  return null;
}
