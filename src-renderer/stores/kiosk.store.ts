import { create } from 'zustand';
import type {
  AppInfo,
  Catalogue,
  DepositState,
  Heartbeat,
  ItemResult,
  MaintenanceSession,
} from '../../src-preload/contract';
import type { Locale } from '../i18n/i18n';
import type { LinkState } from '../transport/ws-transport';

/** A heartbeat older than this many intervals means main is not talking to us. */
const STALE_AFTER_INTERVALS = 2.5;

export type Indicator = 'online' | 'degraded' | 'offline' | 'connecting';

/**
 * How items get in: the camera, demo buttons, or neither (vision off without demo items: nothing can
 * be accepted, so no session should start). Undefined until known.
 */
export type Intake = 'camera' | 'demo' | 'none';

export interface KioskState {
  readonly info: AppInfo | undefined;
  readonly locale: Locale;
  readonly link: LinkState;
  readonly heartbeat: Heartbeat | undefined;
  /** Local clock time the last heartbeat arrived (ms). */
  readonly heartbeatAt: number | undefined;
  setInfo(info: AppInfo): void;
  setLocale(locale: Locale): void;
  setLink(link: LinkState): void;
  receiveHeartbeat(beat: Heartbeat, at: number): void;
  /** The deposit flow as main last told it (drives which screen shows). */
  readonly deposit: DepositState | undefined;
  readonly catalogue: Catalogue | undefined;
  /** The latest item's result and when it arrived (local ms), for the short-lived card. */
  readonly lastItem: { readonly result: ItemResult; readonly at: number } | undefined;
  setDeposit(deposit: DepositState): void;
  setCatalogue(catalogue: Catalogue): void;
  receiveItem(result: ItemResult, at: number): void;
  /** This screen's maintenance session (a technician signed in here), null when none. */
  readonly maintenance: MaintenanceSession | null;
  setMaintenance(session: MaintenanceSession | null): void;
}

export const useKioskStore = create<KioskState>()((set) => ({
  info: undefined,
  locale: 'id',
  link: 'connecting',
  heartbeat: undefined,
  heartbeatAt: undefined,
  setInfo: (info) => set((s) => ({ info, locale: s.info ? s.locale : info.defaultLocale })),
  setLocale: (locale) => set({ locale }),
  setLink: (link) => set({ link }),
  receiveHeartbeat: (heartbeat, heartbeatAt) => set({ heartbeat, heartbeatAt }),
  deposit: undefined,
  catalogue: undefined,
  lastItem: undefined,
  // A new session forgets the previous one's last item.
  setDeposit: (deposit) =>
    set((s) => ({ deposit, lastItem: deposit.sessionId === s.deposit?.sessionId ? s.lastItem : undefined })),
  setCatalogue: (catalogue) => set({ catalogue }),
  receiveItem: (result, at) => set({ lastItem: { result, at } }),
  maintenance: null,
  setMaintenance: (maintenance) => set({ maintenance }),
}));

/** The connection/health indicator, derived (never stored) from link, heartbeat and the time now. */
export function indicatorOf(state: Pick<KioskState, 'link' | 'heartbeat' | 'heartbeatAt'>, now: number): Indicator {
  if (state.link === 'closed') return 'offline';
  // Reconnecting after the link was lost: the last heartbeat is no news that the machine is there.
  if (state.link === 'connecting' && state.heartbeat) return 'offline';
  if (!state.heartbeat || state.heartbeatAt === undefined) return 'connecting';
  if (now - state.heartbeatAt > state.heartbeat.intervalMs * STALE_AFTER_INTERVALS) return 'offline';
  return state.heartbeat.status === 'ok' ? 'online' : 'degraded';
}
