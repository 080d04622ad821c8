import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import {
  VOUCHER_FILTERS,
  type ExportTarget,
  type PublicKeySchema,
  type VoucherListRow,
  type VoucherListSchema,
} from '../../src-preload/contract';
import { useApi } from '../api-context';
import { QrCode } from '../components/QrCode';
import { groupNumber } from '../customer/ReceiptScreen';
import { money, useFormatTime } from '../i18n/format';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';
import { Action, useCall } from './actions';
import { useDescribeJob } from './Printer';

type Filter = (typeof VOUCHER_FILTERS)[number];
type VoucherList = z.infer<typeof VoucherListSchema>;
type PublicKey = z.infer<typeof PublicKeySchema>;
type Outcome = { readonly ok: boolean; readonly text: string };

const PAGE = 50;
/** The contract's largest page: a refresh after a reprint reloads what is shown, up to this. */
const MAX_PAGE = 500;

/** Issued vouchers: counts, the list (filter, pages, reprint), CSV to a drive, and the key tills check with. */
export function Vouchers() {
  const t = useT();
  const api = useApi();
  const [filter, setFilter] = useState<Filter>('all');
  const [list, setList] = useState<VoucherList | undefined>();
  const [more, setMore] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [targets, loadTargets] = useCall(api.maintenance.exportTargets, [] as ExportTarget[]);
  const describe = useDescribeJob();
  const failed = useCallback(
    (message: string) => setOutcome({ ok: false, text: t('mt.failed', { detail: message }) }),
    [t],
  );

  /** Rows from `offset` on, appended to those shown (offset 0 starts again). */
  const load = useCallback(
    (offset: number, limit = PAGE) =>
      api.payout.vouchers({ filter, limit, offset }).then((r) => {
        if (!r.ok) return failed(r.error.message);
        setList((shown) => (offset === 0 || !shown ? r.value : { ...r.value, rows: [...shown.rows, ...r.value.rows] }));
        setMore(r.value.rows.length === limit);
      }),
    [api, filter, failed],
  );
  useEffect(() => {
    void load(0);
  }, [load]);

  const reprint = async (row: VoucherListRow) => {
    const r = await api.payout.reprint({ sessionId: row.sessionId });
    setOutcome(r.ok ? describe(r.value) : { ok: false, text: t('mt.failed', { detail: r.error.message }) });
    await load(0, Math.min(MAX_PAGE, Math.max(PAGE, list?.rows.length ?? 0)));
  };
  const exportTo = async (target: ExportTarget) => {
    const r = await api.payout.exportVouchers({ target: target.path });
    if (!r.ok) return failed(r.error.message);
    const detail = t('mt.vouchers.exported', { rows: String(r.value.rows), path: r.value.path });
    setOutcome({ ok: true, text: t('mt.done', { detail }) });
  };

  return (
    <div className="vouchers" data-testid="vouchers">
      {outcome && (
        <p role="status" data-testid="outcome" className={outcome.ok ? 'outcome' : 'outcome outcome--error'}>
          {outcome.text}
        </p>
      )}
      {list && (
        <div className="tiles" data-testid="voucher-counts">
          <Count label={t('mt.vouchers.issued')} value={list.issued} name="issued" />
          <Count label={t('mt.vouchers.redeemed')} value={list.redeemed} name="redeemed" />
          <Count label={t('mt.vouchers.openPoints')} value={list.openPoints} name="openPoints" />
        </div>
      )}
      <div className="range-toggle" role="group" aria-label={t('mt.vouchers.filter')}>
        {VOUCHER_FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            className={f === filter ? 'touch-button touch-button--primary' : 'touch-button'}
            aria-pressed={f === filter}
            onClick={() => setFilter(f)}
          >
            {t(`mt.vouchers.filter.${f}`)}
          </button>
        ))}
      </div>
      {list?.rows.length === 0 && <p>{t('mt.vouchers.none')}</p>}
      <ul className="jobs">
        {list?.rows.map((row) => (
          <VoucherRow key={row.id} row={row} onReprint={() => void reprint(row)} />
        ))}
      </ul>
      {more && <Action onClick={() => void load(list?.rows.length ?? 0)}>{t('mt.vouchers.more')}</Action>}
      <div className="vouchers__export">
        {targets.length === 0 && <p>{t('mt.controls.noDrive')}</p>}
        {targets.map((target) => (
          <Action key={target.path} onClick={() => void exportTo(target)}>
            {t('mt.vouchers.export', { path: target.path, free: String(Math.floor(target.freeMb)) })}
          </Action>
        ))}
        <Action onClick={loadTargets}>{t('mt.controls.refresh')}</Action>
      </div>
      <MachineKey />
    </div>
  );
}

function Count({ label, value, name }: { label: string; value: number; name: string }) {
  return (
    <div className="tile" data-count={name}>
      <span className="tile__label">{label}</span>
      <strong className="tile__value">{value}</strong>
    </div>
  );
}

function VoucherRow({ row, onReprint }: { row: VoucherListRow; onReprint: () => void }) {
  const t = useT();
  const locale = useKioskStore((s) => s.locale);
  const time = useFormatTime();
  const at = (ms: number | null) => (ms === null ? null : time(ms));
  const redeemed = row.redeemedAt === null ? null : at(row.redeemedAt);
  return (
    <li className="voucher-row" data-voucher={row.id} data-redeemed={row.redeemedAt !== null}>
      <strong className="voucher-row__number">{row.number ? groupNumber(row.number) : row.id}</strong>
      <span>{t('receipt.points', { points: String(row.points) })}</span>
      {row.value && <span>{money(row.value, locale)}</span>}
      <Labelled label={t('mt.vouchers.created')}>{at(row.createdAt)}</Labelled>
      <Labelled label={t('mt.vouchers.expires')}>{at(row.expiresAt)}</Labelled>
      <Labelled label={t('mt.vouchers.redeemedAt')}>
        {redeemed
          ? row.redeemedBy
            ? t('mt.vouchers.redeemedBy', { time: redeemed, who: row.redeemedBy })
            : redeemed
          : t('mt.vouchers.open')}
      </Labelled>
      <Labelled label={t('mt.vouchers.printed')}>{at(row.printedAt) ?? t('mt.vouchers.notPrinted')}</Labelled>
      <Action onClick={onReprint}>{t('mt.vouchers.reprint')}</Action>
    </li>
  );
}

function Labelled({ label, children }: { label: string; children: string | null }) {
  return (
    <span className="voucher-row__fact">
      <small>{label}</small> {children}
    </span>
  );
}

/** The public key tills verify vouchers with: its fingerprint, the RVMKEY1 line to type or copy, and as a QR code. */
function MachineKey() {
  const t = useT();
  const api = useApi();
  const [key] = useCall(api.payout.publicKey, undefined as PublicKey | undefined);
  if (!key) return null;
  return (
    <section className="voucher-key" data-testid="voucher-key">
      <h2>{t('mt.vouchers.key')}</h2>
      <p>{t('mt.vouchers.keyHint')}</p>
      <p data-testid="key-fingerprint">{t('mt.vouchers.fingerprint', { fingerprint: key.fingerprint })}</p>
      <code className="voucher-key__line" data-testid="key-line">
        {key.line}
      </code>
      <QrCode value={key.line} size={240} label={t('mt.vouchers.key')} />
    </section>
  );
}
