import { useKioskStore } from '../stores/kiosk.store';
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

export type TimeStyle = 'dateTime' | 'time' | 'longDate';

const STYLES: Record<TimeStyle, Intl.DateTimeFormatOptions> = {
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
  time: { hour: '2-digit', minute: '2-digit' },
  longDate: { day: 'numeric', month: 'long', year: 'numeric' },
};

/**
 * A moment as the machine's clock shows it (its zone, not the viewer's browser's), in the reader's
 * language: 24-hour clock in both (Indonesian never uses AM/PM on a kiosk). An unknown zone falls back
 * to the browser's rather than failing the screen.
 */
export function formatTime(
  ms: number,
  locale: Locale,
  timeZone: string | undefined,
  style: TimeStyle = 'dateTime',
): string {
  const options: Intl.DateTimeFormatOptions = {
    ...STYLES[style],
    ...(style === 'longDate' ? {} : { hourCycle: 'h23' }),
  };
  try {
    return new Intl.DateTimeFormat(intlLocale(locale), { ...options, timeZone }).format(ms);
  } catch {
    return new Intl.DateTimeFormat(intlLocale(locale), options).format(ms);
  }
}

/** formatTime in the current language and the machine's zone (from app info). */
export function useFormatTime(): (ms: number, style?: TimeStyle) => string {
  const locale = useKioskStore((s) => s.locale);
  const timeZone = useKioskStore((s) => s.info?.timeZone);
  return (ms, style) => formatTime(ms, locale, timeZone, style);
}
