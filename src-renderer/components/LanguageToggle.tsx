import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';

/** Switches id ⇄ en. It reads the other language's own name, which is also its accessible name. */
export function LanguageToggle() {
  const t = useT();
  const locale = useKioskStore((s) => s.locale);
  const setLocale = useKioskStore((s) => s.setLocale);
  const other = locale === 'id' ? 'en' : 'id';
  return (
    <button
      type="button"
      className="touch-button touch-button--secondary"
      lang={other}
      data-testid="language-toggle"
      onClick={() => setLocale(other)}
    >
      {t('language.switch')}
    </button>
  );
}
