import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';

export function LanguageToggle() {
  const t = useT();
  const locale = useKioskStore((s) => s.locale);
  const setLocale = useKioskStore((s) => s.setLocale);
  return (
    <button
      type="button"
      className="touch-button touch-button--secondary"
      aria-label={t('language.label')}
      onClick={() => setLocale(locale === 'id' ? 'en' : 'id')}
    >
      {t('language.switch')}
    </button>
  );
}
