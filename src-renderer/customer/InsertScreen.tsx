import { DEMO_ITEMS } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { Countdown } from '../components/Countdown';
import { useNow } from '../components/use-now';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';
import { LiveView } from './LiveView';
import { materialKey } from './materials';

/** How long an item's result card stays up. */
export const ITEM_CARD_MS = 3500;

/** Items go in one at a time: the live view, a big card per result, running totals, Finish/Cancel. */
export function InsertScreen() {
  const t = useT();
  const api = useApi();
  const deposit = useKioskStore((s) => s.deposit)!;
  const closing = deposit.state === 'closing';
  return (
    <main className="screen insert" data-screen="insert">
      <header className="topbar">
        <div>
          <h1>{t('insert.title')}</h1>
          <p className="hint">{t('insert.hint')}</p>
        </div>
        <Countdown deadlineAt={deposit.deadlineAt} />
      </header>
      <section className="insert__body">
        <LiveView />
        <aside className="insert__side">
          <div className="totals" data-testid="totals">
            <div>
              <span>{t('insert.items')}</span>
              <strong data-testid="accepted-count">{deposit.acceptedCount}</strong>
            </div>
            <div>
              <span>{t('insert.points')}</span>
              <strong data-testid="total-points">{deposit.totalPoints}</strong>
            </div>
          </div>
          <ItemCard />
          <DemoItems />
        </aside>
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
    <div className="demo-items" role="group" aria-label={t('insert.demo')} data-testid="demo-items">
      <p>{t('insert.demo')}</p>
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

/** The last item's result, large, for a few seconds. */
function ItemCard() {
  const t = useT();
  const now = useNow(250);
  const last = useKioskStore((s) => s.lastItem);
  if (!last || now - last.at > ITEM_CARD_MS) return <div className="item-card item-card--empty" />;
  const { result } = last;
  return result.accepted ? (
    <div className="item-card item-card--accepted" role="status" data-testid="item-card" data-accepted="true">
      <strong>{t('insert.accepted')}</strong>
      <span>{t(materialKey(result.material))}</span>
      <span className="item-card__points">+{result.points}</span>
    </div>
  ) : (
    <div className="item-card item-card--rejected" role="alert" data-testid="item-card" data-accepted="false">
      <strong>{t('insert.rejected')}</strong>
      <span>{t(`reason.${result.reason ?? 'unknown_item'}`)}</span>
    </div>
  );
}
