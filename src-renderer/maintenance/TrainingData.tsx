import { useCallback, useEffect, useState } from 'react';
import { SAMPLE_LABELS, type AppError, type DatasetStatsSchema } from '../../src-preload/contract';
import type { z } from 'zod';
import { useApi } from '../api-context';
import { useT } from '../i18n/use-t';
import { useErrorText } from './actions';
import { TrainingExport } from './TrainingExport';
import { TrainingReview } from './TrainingReview';

type Stats = z.infer<typeof DatasetStatsSchema>;
type Loaded = { readonly stats: Stats } | { readonly off: true } | { readonly error: AppError };

/**
 * Training data (#21): the frames behind the machine's verdicts, reviewed one at a time by a technician
 * and exported as a YOLO dataset to train the machine's next model on.
 */
export function TrainingData() {
  const t = useT();
  const api = useApi();
  const errorText = useErrorText();
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const load = useCallback(
    () =>
      api.dataset
        .stats()
        .then((r) =>
          setLoaded(r.ok ? { stats: r.value } : r.error.code === 'UNAVAILABLE' ? { off: true } : { error: r.error }),
        ),
    [api],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="training" data-testid="training" data-loaded={loaded !== undefined}>
      {loaded && 'off' in loaded && <p data-testid="training-off">{t('mt.training.off')}</p>}
      {loaded && 'error' in loaded && (
        <p role="alert" className="outcome outcome--error">
          {t('mt.failed', { detail: errorText(loaded.error) })}
        </p>
      )}
      {loaded && 'stats' in loaded && (
        <>
          <Progress stats={loaded.stats} />
          <TrainingReview classes={pickable(loaded.stats)} onLabelled={() => void load()} />
          <TrainingExport />
        </>
      )}
    </div>
  );
}

/** The classes a correction offers: those already used most first, then the model's own; never "unknown". */
function pickable(stats: Stats): string[] {
  const used = Object.entries(stats.byClass)
    .sort(([, a], [, b]) => b - a)
    .map(([cls]) => cls);
  return [...new Set([...used, ...stats.classes])].filter((cls) => cls !== 'unknown');
}

/** How far the review has come: samples, disk, counts per review state, and reviewed samples per class. */
function Progress({ stats }: { stats: Stats }) {
  const t = useT();
  const classes = Object.entries(stats.byClass).sort(([, a], [, b]) => b - a);
  const most = Math.max(1, ...classes.map(([, n]) => n));
  return (
    <section className="training-progress" data-testid="training-progress" aria-labelledby="training-progress-title">
      <h2 id="training-progress-title">{t('mt.training.progress')}</h2>
      <dl className="training-progress__counts">
        <Count name={t('mt.training.samples')} value={String(stats.samples)} testId="count-samples" />
        <Count name={t('mt.training.disk')} value={size(stats.bytes)} testId="count-disk" />
        {SAMPLE_LABELS.map((label) => (
          <Count
            key={label}
            name={t(`mt.training.label.${label}`)}
            value={String(stats.byLabel[label] ?? 0)}
            testId={`count-${label}`}
          />
        ))}
      </dl>
      <h3>{t('mt.training.perClass')}</h3>
      {classes.length === 0 && <p>{t('mt.training.noClasses')}</p>}
      <ul className="training-progress__classes">
        {classes.map(([cls, n]) => (
          <li key={cls} data-class={cls}>
            <span className="training-progress__class">{cls}</span>
            <meter min={0} max={most} value={n} aria-label={cls} />
            <strong>{n}</strong>
          </li>
        ))}
      </ul>
    </section>
  );
}

const size = (bytes: number) =>
  bytes < 2 ** 20 ? `${Math.ceil(bytes / 1024)} kB` : `${(bytes / 2 ** 20).toFixed(1)} MB`;

function Count({ name, value, testId }: { name: string; value: string; testId: string }) {
  return (
    <div className="training-progress__count" data-testid={testId}>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  );
}
