import { Pictogram, type PictogramKind } from '../components/Pictogram';
import type { MessageKey } from '../i18n/i18n';
import { useT } from '../i18n/use-t';

const STEPS: ReadonlyArray<readonly [PictogramKind, MessageKey]> = [
  ['empty', 'guide.empty'],
  ['one', 'guide.one'],
  ['tick', 'guide.tick'],
];

/** How to insert, in three short steps with pictograms (attract, and insert while no result shows). */
export function InsertGuide({ className }: { className?: string }) {
  const t = useT();
  return (
    <ol className={className ? `guide ${className}` : 'guide'} aria-label={t('guide.title')} data-testid="insert-guide">
      {STEPS.map(([kind, key]) => (
        <li key={kind} className="guide__step">
          <Pictogram kind={kind} />
          <span>{t(key)}</span>
        </li>
      ))}
    </ol>
  );
}
