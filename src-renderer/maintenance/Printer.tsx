import { useEffect, useState, type ReactNode } from 'react';
import type { PrinterState, PrintJob } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { useFormatTime } from '../i18n/format';
import { useT } from '../i18n/use-t';
import { Action } from './actions';

type Outcome = { readonly ok: boolean; readonly text: string };

/** The receipt printer on the dashboard: what it is, whether it can print now, and a test page. */
export function Printer() {
  const t = useT();
  const api = useApi();
  const time = useFormatTime();
  const [state, setState] = useState<PrinterState | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const describe = useDescribeJob();

  useEffect(() => {
    let live = true;
    void api.payout.printer().then((r) => {
      if (!live) return;
      if (r.ok) setState(r.value);
      else setOutcome({ ok: false, text: t('mt.failed', { detail: r.error.message }) });
    });
    const stop = api.payout.onPrinterChanged(setState);
    return () => {
      live = false;
      stop();
    };
  }, [api, t]);

  const testPage = async () => {
    const r = await api.payout.testPage();
    setOutcome(r.ok ? describe(r.value) : { ok: false, text: t('mt.failed', { detail: r.error.message }) });
  };
  const faultWords = state?.fault ? t(`mt.printer.fault.${state.fault}`) : t('mt.printer.ready');
  return (
    <section className="printer-card" data-testid="printer-card" data-fault={state?.fault ?? 'none'}>
      <h2>{t('mt.printer.title')}</h2>
      {state && (
        <dl className="printer-card__facts">
          <Fact label={t('mt.printer.kind')}>
            {state.configured ? state.kind.toUpperCase() : t('mt.printer.kind.none')}
          </Fact>
          <Fact label={t('mt.printer.connected')}>{t(state.connected ? 'mt.yes' : 'mt.no')}</Fact>
          <Fact label={t('mt.printer.state')} bad={state.fault !== null} testId="printer-fault">
            {faultWords}
          </Fact>
          <Fact label={t('mt.printer.paperLow')} bad={state.paperLow}>
            {t(state.paperLow ? 'mt.yes' : 'mt.no')}
          </Fact>
          <Fact label={t('mt.printer.lastPrint')}>
            {state.lastPrintAt === null ? t('mt.printer.never') : time(state.lastPrintAt)}
          </Fact>
          <Fact label={t('mt.printer.checkedAt')}>
            {state.checkedAt === null ? t('mt.printer.never') : time(state.checkedAt)}
          </Fact>
        </dl>
      )}
      {state?.detail && <p className="printer-card__detail">{state.detail}</p>}
      <Action onClick={() => void testPage()}>{t('mt.printer.test')}</Action>
      {outcome && (
        <p role="status" data-testid="printer-outcome" className={outcome.ok ? 'outcome' : 'outcome outcome--error'}>
          {outcome.text}
        </p>
      )}
    </section>
  );
}

function Fact({
  label,
  bad = false,
  testId,
  children,
}: {
  label: string;
  bad?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className={bad ? 'printer-card__fact printer-card__fact--bad' : 'printer-card__fact'}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/** A print job's result in the technician's words: printed, or why not (fault in words, then main's detail). */
export function useDescribeJob(): (job: PrintJob) => Outcome {
  const t = useT();
  return (job) =>
    job.state === 'failed'
      ? {
          ok: false,
          text: t('mt.printer.failed', {
            fault: job.fault ? t(`mt.printer.fault.${job.fault}`) : t('mt.printer.fault.error'),
            detail: job.detail ?? '',
          }),
        }
      : { ok: true, text: t('mt.printer.printed') };
}
