import { DEMO_ITEMS } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { Countdown } from '../components/Countdown';
import { Pictogram } from '../components/Pictogram';
import { useNow } from '../components/use-now';
import { money } from '../i18n/format';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';
import { InsertGuide } from './InsertGuide';
import { LiveView } from './LiveView';
import { materialKey } from './materials';
import { rejectAdvice } from './reject-advice';

/** How long an item's result card stays up. */
export const ITEM_CARD_MS = 3500;

/** Items go in one at a time: the live view (or demo buttons), a big card per result, running totals, Finish/Cancel. */
export function InsertScreen() {
  const t = useT();
  const api = useApi();
  const deposit = useKioskStore((s) => s.deposit)!;
  const closing = deposit.state === 'closing';
  // Without a camera (demo), the demo buttons take the camera's place instead of a black "camera off".
  const demoView = useKioskStore((s) => s.catalogue?.intake === 'demo');
  return (
    <main className="screen insert" data-screen="insert">
      <header className="topbar">
        <div className="insert__title">
          <h1>{t('insert.title')}</h1>
          <p className="hint">{t('insert.hint')}</p>
        </div>
        <Countdown deadlineAt={deposit.deadlineAt} />
      </header>
      <section className="insert__body">
        {demoView ? <DemoItems /> : <LiveView />}
        <div className="totals" data-testid="totals">
          <div>
            <span>{t('insert.items')}</span>
            <strong data-testid="accepted-count">{deposit.acceptedCount}</strong>
          </div>
          <div>
            <span>{t('insert.points')}</span>
            <strong data-testid="total-points">{deposit.totalPoints}</strong>
            <Worth points={deposit.totalPoints} testId="total-value" />
          </div>
        </div>
        <div className="insert__side">
          <ItemCard />
          {!demoView && <DemoItems />}
        </div>
      </section>
      <footer className="bottombar">
        <button
          type="button"
          className="touch-button touch-button--secondary"
          disabled={closing}
          onClick={() => void api.deposit.cancel()}
        >
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="touch-button touch-button--primary touch-button--wide"
          data-key-content="finish"
          disabled={closing}
          onClick={() => void api.deposit.finish()}
        >
          {closing ? t('insert.closing') : t('insert.finish')}
        </button>
      </footer>
    </main>
  );
}

/** Demo mode only (npm run demo without a model): put in a simulated item, clearly labelled as such. */
function DemoItems() {
  const t = useT();
  const api = useApi();
  const demo = useKioskStore((s) => s.catalogue?.demoItems);
  if (!demo) return null;
  return (
    <div className="demo-items" role="group" aria-labelledby="demo-items-label" data-testid="demo-items">
      <p id="demo-items-label">{t('insert.demo')}</p>
      {DEMO_ITEMS.map((kind) => (
        <button
          key={kind}
          type="button"
          className="touch-button"
          data-testid={`demo-${kind}`}
          onClick={() => void api.deposit.demoItem({ kind })}
        >
          {t(`insert.demo.${kind}`)}
        </button>
      ))}
    </div>
  );
}

/** The money value of some points, where the machine prices points (catalogue.pointValue). */
function Worth({ points, testId }: { points: number; testId: string }) {
  const t = useT();
  const pointValue = useKioskStore((s) => s.catalogue?.pointValue);
  const locale = useKioskStore((s) => s.locale);
  if (!pointValue) return null;
  // Whole cents: 3 × 0.1 is 0.3, not 0.30000000000000004.
  const amount = Math.round(points * pointValue.amount * 100) / 100;
  return (
    <span className="worth" data-testid={testId}>
      {t('receipt.value', { value: money({ amount, currency: pointValue.currency }, locale) })}
    </span>
  );
}

/** The last item's result, large, for a few seconds; until then (and between items) how to insert. */
function ItemCard() {
  const t = useT();
  const now = useNow(250);
  const last = useKioskStore((s) => s.lastItem);
  if (!last || now - last.at > ITEM_CARD_MS) return <InsertGuide className="guide--card" />;
  const { result } = last;
  const advice = result.accepted ? null : rejectAdvice(result.reason, result.className);
  // Accepted is news (a status); rejected asks the customer to act (an alert).
  return (
    <div
      className={result.accepted ? 'item-card item-card--accepted' : 'item-card item-card--rejected'}
      role={result.accepted ? 'status' : 'alert'}
      data-testid="item-card"
      data-key-content="item-card"
      data-accepted={result.accepted}
    >
      <Pictogram kind={advice?.pictogram ?? 'tick'} className="item-card__pictogram" />
      <strong>{t(result.accepted ? 'insert.accepted' : 'insert.rejected')}</strong>
      {advice ? (
        <span data-testid="reject-advice">{t(advice.key)}</span>
      ) : (
        <>
          <span>{t(materialKey(result.material))}</span>
          <span className="item-card__points">+{result.points}</span>
          <Worth points={result.points} testId="item-value" />
        </>
      )}
    </div>
  );
}
