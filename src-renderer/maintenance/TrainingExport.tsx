import { useId, useState } from 'react';
import type { AppError, ExportTarget } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { DockedKeyboard } from '../components/OnScreenKeyboard';
import { useOnScreenKeyboard } from '../components/use-on-screen-keyboard';
import { useT } from '../i18n/use-t';
import { useCall, useErrorText } from './actions';

type Exported = {
  readonly folder: string;
  readonly images: { readonly train: number; readonly val: number };
  readonly byClass: Readonly<Record<string, number>>;
  readonly skipped: number;
};

/**
 * The reviewed samples as an Ultralytics YOLO dataset in a folder on a USB drive (the first one found, by
 * default; another folder typed in, on screen on a touchscreen).
 */
export function TrainingExport() {
  const t = useT();
  const api = useApi();
  const errorText = useErrorText();
  const id = useId();
  const [targets] = useCall(api.maintenance.exportTargets, [] as ExportTarget[]);
  /** What the technician typed; until then the first drive found. */
  const [typed, setTyped] = useState<string | undefined>();
  const target = typed ?? targets[0]?.path ?? '';
  const [includeUnreviewed, setIncludeUnreviewed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Exported | undefined>();
  const [error, setError] = useState<AppError | undefined>();
  const keyboard = useOnScreenKeyboard((_field, value) => setTyped(value));
  const exportNow = async () => {
    setBusy(true);
    setError(undefined);
    const r = await api.dataset.export({ target: target.trim(), includeUnreviewed });
    setBusy(false);
    if (r.ok) setResult(r.value);
    else setError(r.error);
  };

  return (
    <section className="training-export" data-testid="training-export" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('mt.training.export')}</h2>
      <div className="training-export__form" onFocus={keyboard.onFocus} onBlur={keyboard.onBlur}>
        <label htmlFor={`${id}-target`}>{t('mt.training.target')}</label>
        <input
          id={`${id}-target`}
          name="target"
          data-testid="export-target"
          value={target}
          placeholder="/media/usb0"
          autoComplete="off"
          onChange={(e) => setTyped(e.target.value)}
        />
        <label className="training-export__check">
          <input
            type="checkbox"
            data-testid="include-unreviewed"
            checked={includeUnreviewed}
            onChange={(e) => setIncludeUnreviewed(e.target.checked)}
          />
          {t('mt.training.includeUnreviewed')}
        </label>
        <button
          type="button"
          className="touch-button touch-button--primary"
          disabled={busy || target.trim() === ''}
          onClick={() => void exportNow()}
        >
          {t('mt.training.exportNow')}
        </button>
        <DockedKeyboard keyboard={keyboard} />
      </div>
      {error && (
        <p role="alert" data-testid="export-error" className="outcome outcome--error">
          {t('mt.failed', { detail: errorText(error) })}
        </p>
      )}
      {result && !error && (
        <div role="status" data-testid="export-result" className="training-export__result">
          <p className="outcome">
            {t('mt.training.exported', {
              train: String(result.images.train),
              val: String(result.images.val),
              folder: result.folder,
            })}
          </p>
          <ul className="training-export__classes">
            {Object.entries(result.byClass).map(([cls, count]) => (
              <li key={cls} data-class={cls}>{`${cls}: ${count}`}</li>
            ))}
          </ul>
          <p>{t('mt.training.skipped', { count: String(result.skipped) })}</p>
        </div>
      )}
    </section>
  );
}
