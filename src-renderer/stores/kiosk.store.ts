import { create } from 'zustand';
import type { AppInfo, Heartbeat } from '../../src-preload/contract';
import type { Locale } from '../i18n/i18n';
import type { LinkState } from '../transport/ws-transport';

/** A heartbeat older than this many intervals means main is not talking to us. */
const STALE_AFTER_INTERVALS = 2.5;

export type Indicator = 'online' | 'degraded' | 'offline' | 'connecting';

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
}));

/** The connection/health indicator, derived (never stored) from link, heartbeat and the time now. */
export function indicatorOf(state: Pick<KioskState, 'link' | 'heartbeat' | 'heartbeatAt'>, now: number): Indicator {
  if (state.link === 'closed') return 'offline';
  if (!state.heartbeat || state.heartbeatAt === undefined) return 'connecting';
  if (now - state.heartbeatAt > state.heartbeat.intervalMs * STALE_AFTER_INTERVALS) return 'offline';
  return state.heartbeat.status === 'ok' ? 'online' : 'degraded';
}
