import { localIso } from '../kernel/local-time';
import type { VoucherRow } from '../store/voucher.repo';
import { view } from './voucher-desk';

const HEADER = [
  'number',
  'voucher_id',
  'session_id',
  'points',
  'value',
  'currency',
  'issued_at',
  'expires_at',
  'redeemed_at',
  'redeemed_by',
  'printed_at',
];

/** Vouchers as CSV for the shop's accounting (RFC 4180; times in the machine's zone, with their offset). */
export function vouchersCsv(
  rows: Iterable<VoucherRow>,
  timeZone: string,
  expiryDays: number,
): { text: string; rows: number } {
  const time = (ms: number | null) => (ms === null ? '' : localIso(ms, timeZone));
  const lines = [HEADER.join(',')];
  for (const row of rows) {
    const v = view(row, expiryDays);
    lines.push(
      [
        v.number ?? '',
        v.id,
        row.sessionId,
        v.points,
        v.value?.amount ?? '',
        v.value?.currency ?? '',
        time(v.issuedAt),
        time(v.expiresAt),
        time(v.redeemedAt),
        v.redeemedBy ?? '',
        time(v.printedAt),
      ]
        .map((cell) => csvCell(String(cell)))
        .join(','),
    );
  }
  return { text: `${lines.join('\r\n')}\r\n`, rows: lines.length - 1 };
}

/** Quoted when it must be; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
