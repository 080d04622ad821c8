import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { AppError, Result } from '../../src-preload/contract';
import { useT } from '../i18n/use-t';

/**
 * A refusal in the screen's language where main says what it is about (a permission missing), else
 * main's own words.
 */
export function useErrorText(): (error: AppError) => string {
  const t = useT();
  return (error) =>
    error.code === 'FORBIDDEN' && error.permission
      ? t('mt.forbidden', { permission: t(`mt.perm.${error.permission}`) })
      : error.message;
}

/** Runs an action and shows its outcome; destructive ones ask first. */
export function useAction() {
  const t = useT();
  const errorText = useErrorText();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>();
  const [confirming, setConfirming] = useState<{ label: string; run: () => void } | undefined>();
  const run = async <T,>(call: () => Promise<Result<T>>, describe: (value: T) => string) => {
    const r = await call();
    setOutcome(
      r.ok
        ? { ok: true, text: t('mt.done', { detail: describe(r.value) }) }
        : { ok: false, text: t('mt.failed', { detail: errorText(r.error) }) },
    );
    return r;
  };
  const confirm = (label: string, action: () => void) => setConfirming({ label, run: action });
  const view: ReactNode = (
    <>
      {outcome && (
        <p role="status" data-testid="outcome" className={outcome.ok ? 'outcome' : 'outcome outcome--error'}>
          {outcome.text}
        </p>
      )}
      {confirming && (
        <div className="confirm" role="alertdialog" data-testid="confirm">
          <p>{t('mt.confirm', { action: confirming.label })}</p>
          <button
            type="button"
            className="touch-button touch-button--primary"
            onClick={() => {
              confirming.run();
              setConfirming(undefined);
            }}
          >
            {t('mt.confirm.yes')}
          </button>
          <Action onClick={() => setConfirming(undefined)}>{t('mt.cancel')}</Action>
        </div>
      )}
    </>
  );
  return { run, confirm, view };
}

/** A plain touch button (64 px high, no hover-only affordance). */
export function Action({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" className="touch-button" onClick={onClick}>
      {children}
    </button>
  );
}

/**
 * A value read from main when the view opens and again on `reload()`; a failed call keeps the last
 * value (the action's outcome line says what failed). `call` must be stable (an api method).
 */
export function useCall<T>(call: () => Promise<Result<T>>, initial: T) {
  const [value, setValue] = useState<T>(initial);
  const reload = useCallback(() => void call().then((r) => r.ok && setValue(r.value)), [call]);
  useEffect(() => {
    let live = true;
    void call().then((r) => live && r.ok && setValue(r.value));
    return () => {
      live = false;
    };
  }, [call]);
  return [value, reload, setValue] as const;
}
