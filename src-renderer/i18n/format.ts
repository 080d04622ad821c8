import type { Locale } from './i18n';

/** The Intl locale of a kiosk language. */
export const intlLocale = (locale: Locale) => (locale === 'id' ? 'id-ID' : 'en-GB');

/** An amount of money in the customer's (or technician's) language; whole amounts without decimals (Rp 350). */
export function money(value: { amount: number; currency: string }, locale: Locale): string {
  try {
    return new Intl.NumberFormat(intlLocale(locale), {
      style: 'currency',
      currency: value.currency,
      maximumFractionDigits: Number.isInteger(value.amount) ? 0 : 2,
    }).format(value.amount);
  } catch {
    return `${value.amount} ${value.currency}`;
  }
}
