import { describe, expect, it } from 'vitest';
import { formatTime, money } from './format';

const AT = Date.UTC(2026, 10, 30, 10, 5, 0); // 17:05 in Jakarta, 18:05 in Makassar, 19:05 in Jayapura

describe('times on the screens', () => {
  it('are the machine’s clock, not the viewer’s, with a 24-hour clock in both languages', () => {
    expect(formatTime(AT, 'id', 'Asia/Jakarta', 'time')).toBe('17.05');
    expect(formatTime(AT, 'en', 'Asia/Makassar', 'time')).toBe('18:05');
    expect(formatTime(AT, 'id', 'Asia/Jayapura')).toMatch(/30 Nov 2026.*19\.05/);
    expect(formatTime(AT, 'en', 'Asia/Jakarta')).toMatch(/30 Nov 2026.*17:05/);
    expect(formatTime(AT, 'id', 'Asia/Jakarta', 'longDate')).toBe('30 November 2026');
  });

  it('fall back to the browser’s zone for a zone it does not know, rather than failing the screen', () => {
    expect(formatTime(AT, 'en', 'Mars/Olympus', 'time')).toMatch(/^\d{2}:05$/);
  });

  it('show money in the language’s format, decimals only where there are some', () => {
    expect(money({ amount: 1230, currency: 'IDR' }, 'id')).toMatch(/^Rp\s?1\.230$/);
    expect(money({ amount: 0.5, currency: 'EUR' }, 'en')).toBe('€0.50');
  });
});
