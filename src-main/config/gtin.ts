/**
 * A scanned code as the product number deposit schemes list, or null for anything else (a promo QR
 * code, an internal Code 128): GTIN-8 stays 8 digits; UPC-A (12), EAN-13 and a GTIN-14 starting with
 * 0 (ITF-14, GS1 DataBar "(01)…", with or without further application identifiers) are the same
 * product as 13 digits; another GTIN-14 (a case indicator) stays 14.
 */
export function gtin(text: string): string | null {
  const t = text.trim();
  const digits = /^\(01\)(\d{14})(?:\(\d{2,4}\).*)?$/.exec(t)?.[1] ?? /^(\d{8}|\d{12,14})$/.exec(t)?.[1];
  if (!digits) return null;
  if (digits.length === 12) return `0${digits}`;
  if (digits.length === 14 && digits.startsWith('0')) return digits.slice(1);
  return digits;
}

/** Config keys (eligible codes, prices by code) in the form the reader gives, so any written form matches. */
export function byGtin<T>(table: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(table).map(([code, value]) => [gtin(code) ?? code, value]));
}

/** What a config key for a product code must look like. */
export const GTIN_KEY = /^(\d{8}|\d{12,14})$/;
export const GTIN_RULE = 'keys are product numbers: EAN-8, UPC-A, EAN-13 or GTIN-14 digits';
