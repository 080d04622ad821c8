import { useCallback } from 'react';
import { useKioskStore } from '../stores/kiosk.store';
import { translate, type MessageKey } from './i18n';

export function useT(): (key: MessageKey, params?: Readonly<Record<string, string>>) => string {
  const locale = useKioskStore((s) => s.locale);
  return useCallback((key, params) => translate(locale, key, params), [locale]);
}
