import { useCallback, useEffect, useState } from 'react';
import {
  REJECT_REASONS,
  SAMPLE_LABELS,
  type AppError,
  type RejectReason,
  type TrainingSample,
} from '../../src-preload/contract';
import { useApi } from '../api-context';
import { useFormatTime } from '../i18n/format';
import { useT } from '../i18n/use-t';
import { BoxEditor, type NormBox } from './BoxEditor';
import { Action, useErrorText } from './actions';
import { ClassPicker } from './TrainingClassPicker';

export type SampleFilter = (typeof SAMPLE_LABELS)[number] | 'all';
type Verdict = 'confirmed' | 'corrected' | 'no_item' | 'bad_image';
/** A refusal kept as main's error, put in words when shown (in the screen's language of the moment). */
type Outcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: AppError };
type Page = { readonly list: TrainingSample[]; readonly more: boolean; readonly error?: AppError };

const FILTERS: readonly SampleFilter[] = [...SAMPLE_LABELS, 'all'];
const PAGE = 20;
const matches = (s: TrainingSample, filter: SampleFilter) => filter === 'all' || s.label === filter;

/**
 * One sample at a time, large: what the model said, and the technician's answer (confirm, correct the
 * class and box, no item, bad image); each answer moves on to the next sample.
 */
export function TrainingReview({ classes, onLabelled }: { classes: readonly string[]; onLabelled: () => void }) {
  const t = useT();
  const api = useApi();
  const errorText = useErrorText();
  const [filter, setFilter] = useState<SampleFilter>('unreviewed');
  /** The samples loaded for the filter, in the store's order; undefined while the first page loads. */
  const [list, setList] = useState<TrainingSample[] | undefined>();
  const [index, setIndex] = useState(0);
  const [more, setMore] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const failed = useCallback((error: AppError) => setOutcome({ ok: false, error }), []);

  /** The next page after what is loaded (those that left the filter by a review no longer count). */
  const fetchPage = useCallback(
    async (loaded: readonly TrainingSample[]): Promise<Page> => {
      const offset = loaded.filter((s) => matches(s, filter)).length;
      const r = await api.dataset.samples({ label: filter, limit: PAGE, offset });
      if (!r.ok) return { list: [...loaded], more: false, error: r.error };
      const seen = new Set(loaded.map((s) => s.id));
      return { list: [...loaded, ...r.value.filter((s) => !seen.has(s.id))], more: r.value.length === PAGE };
    },
    [api, filter],
  );
  const apply = useCallback(
    (page: Page) => {
      if (page.error) failed(page.error);
      setList(page.list);
      setMore(page.more);
      return page.list;
    },
    [failed],
  );
  useEffect(() => {
    let live = true;
    void fetchPage([]).then((page) => live && apply(page));
    return () => {
      live = false;
    };
  }, [fetchPage, apply]);
  const show = (f: SampleFilter) => {
    setList(undefined);
    setIndex(0);
    if (f === filter) void fetchPage([]).then(apply);
    else setFilter(f);
  };

  const goTo = async (i: number, loaded = list) => {
    if (i < 0 || !loaded) return;
    const now = i >= loaded.length && more ? apply(await fetchPage(loaded)) : loaded;
    setIndex(Math.min(i, now.length));
  };

  const sample = list?.[index];
  const answer = async (verdict: Verdict, drawn: NormBox | undefined, className?: string) => {
    if (!sample) return;
    // A confirmed class with a redrawn box is a correction (of the box): the store keeps the model's box on confirm.
    const [label, cls] =
      verdict === 'confirmed' && drawn ? (['corrected', sample.className] as const) : [verdict, className];
    const r = await api.dataset.label({
      id: sample.id,
      label,
      ...(cls !== undefined ? { className: cls } : {}),
      ...(drawn && (label === 'corrected' || label === 'confirmed') ? { box: drawn } : {}),
    });
    if (!r.ok) return failed(r.error);
    const done = `#${r.value.id} ${t(`mt.training.label.${r.value.label}`)}${r.value.labelClass ? ` (${r.value.labelClass})` : ''}`;
    setOutcome({ ok: true, text: t('mt.done', { detail: done }) });
    const next = (list ?? []).map((s) => (s.id === r.value.id ? r.value : s));
    setList(next);
    onLabelled();
    await goTo(index + 1, next);
  };

  return (
    <section className="training-review" data-testid="training-review" aria-labelledby="training-review-title">
      <h2 id="training-review-title">{t('mt.training.review')}</h2>
      <div className="range-toggle" role="group" aria-label={t('mt.training.filter')}>
        {FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            data-filter={f}
            className={f === filter ? 'touch-button touch-button--primary' : 'touch-button'}
            aria-pressed={f === filter}
            onClick={() => show(f)}
          >
            {t(`mt.training.label.${f}`)}
          </button>
        ))}
      </div>
      {outcome && (
        <p role="status" data-testid="training-outcome" className={outcome.ok ? 'outcome' : 'outcome outcome--error'}>
          {outcome.ok ? outcome.text : t('mt.failed', { detail: errorText(outcome.error) })}
        </p>
      )}
      {sample ? (
        <SampleView
          key={sample.id}
          sample={sample}
          classes={classes}
          onAnswer={(verdict, drawn, cls) => void answer(verdict, drawn, cls)}
          onMove={(step) => void goTo(index + step)}
          onFailed={failed}
        />
      ) : (
        list && (
          <div className="training-review__end">
            <p data-testid="training-none">{t('mt.training.none')}</p>
            {index > 0 && <Action onClick={() => void goTo(index - 1)}>{t('mt.training.previous')}</Action>}
            <Action onClick={() => show(filter)}>{t('mt.controls.refresh')}</Action>
          </div>
        )
      )}
    </section>
  );
}

/** One sample: the picture with its boxes, what the model said, and the answers. */
function SampleView({
  sample,
  classes,
  onAnswer,
  onMove,
  onFailed,
}: {
  sample: TrainingSample;
  classes: readonly string[];
  onAnswer: (verdict: Verdict, drawn: NormBox | undefined, className?: string) => void;
  onMove: (step: 1 | -1) => void;
  onFailed: (error: AppError) => void;
}) {
  const t = useT();
  const api = useApi();
  const [dataUrl, setDataUrl] = useState<string | undefined>();
  const [drawing, setDrawing] = useState(false);
  const [drawn, setDrawn] = useState<NormBox | undefined>();
  const [picking, setPicking] = useState(false);
  useEffect(() => {
    let live = true;
    void api.dataset.image({ id: sample.id }).then((r) => {
      if (!live) return;
      if (r.ok) setDataUrl(r.value.dataUrl);
      else onFailed(r.error);
    });
    return () => {
      live = false;
    };
  }, [api, sample.id, onFailed]);

  const box = drawn ?? sample.labelBox ?? sample.box;
  const canConfirm = sample.className !== 'unknown' && box !== null;
  return (
    <div
      className="training-sample"
      data-testid="training-sample"
      data-sample={sample.id}
      data-class={sample.className}
      data-label={sample.label}
    >
      <div className="training-sample__picture">
        <BoxEditor
          sample={sample}
          dataUrl={dataUrl}
          drawing={drawing}
          box={drawn ?? sample.labelBox}
          label={t('mt.training.picture', { id: String(sample.id) })}
          onBox={(b) => {
            setDrawn(b);
            setDrawing(false);
          }}
          onSwipe={onMove}
        />
        {drawing && <p className="training-sample__hint">{t('mt.training.drawHint')}</p>}
      </div>
      <div className="training-sample__side">
        <SampleFacts sample={sample} />
        <div className="training-sample__actions">
          <button
            type="button"
            className="touch-button touch-button--primary"
            disabled={!canConfirm}
            onClick={() => onAnswer('confirmed', drawn)}
          >
            {t('mt.training.confirm')}
          </button>
          <button
            type="button"
            className={picking ? 'touch-button touch-button--primary' : 'touch-button'}
            aria-expanded={picking}
            onClick={() => setPicking(!picking)}
          >
            {t('mt.training.correct')}
          </button>
          <Action onClick={() => onAnswer('no_item', undefined)}>{t('mt.training.label.no_item')}</Action>
          <Action onClick={() => onAnswer('bad_image', undefined)}>{t('mt.training.label.bad_image')}</Action>
          <button
            type="button"
            className={drawing ? 'touch-button touch-button--primary' : 'touch-button'}
            aria-pressed={drawing}
            onClick={() => setDrawing(!drawing)}
          >
            {t('mt.training.draw')}
          </button>
        </div>
        <div className="training-sample__nav">
          <Action onClick={() => onMove(-1)}>{t('mt.training.previous')}</Action>
          <Action onClick={() => onMove(1)}>{t('mt.training.next')}</Action>
        </div>
      </div>
      {picking && <ClassPicker classes={classes} onPick={(cls) => onAnswer('corrected', drawn, cls)} />}
    </div>
  );
}

function SampleFacts({ sample }: { sample: TrainingSample }) {
  const t = useT();
  const time = useFormatTime();
  const reason = sample.reason;
  const why =
    reason && (REJECT_REASONS as readonly string[]).includes(reason) ? t(`reason.${reason as RejectReason}`) : reason;
  const score = `${Math.round(sample.score * 100)} %`;
  return (
    <dl className="training-facts" data-testid="training-facts">
      <Fact name={t('mt.training.model')} testId="fact-model">
        {sample.box ? `${sample.className} · ${score}` : t('mt.training.nothing')}
      </Fact>
      <Fact name={t('mt.training.verdict')} testId="fact-verdict">
        {sample.accepted ? t('mt.training.accepted') : t('mt.training.rejected', { reason: why ?? '' })}
      </Fact>
      {sample.barcode && <Fact name={t('mt.training.barcode')}>{sample.barcode}</Fact>}
      <Fact name={t('mt.training.version')}>{sample.modelVersion ?? t('mt.training.unversioned')}</Fact>
      <Fact name={t('mt.training.seen')}>{time(sample.at)}</Fact>
      <Fact name={t('mt.training.reviewed')} testId="fact-label">
        {`${t(`mt.training.label.${sample.label}`)}${sample.labelClass ? ` · ${sample.labelClass}` : ''}`}
      </Fact>
    </dl>
  );
}

function Fact({ name, testId, children }: { name: string; testId?: string; children: string }) {
  return (
    <div className="training-facts__fact" data-testid={testId}>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}
