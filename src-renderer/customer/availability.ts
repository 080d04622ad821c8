import type { DepositState } from '../../src-preload/contract';
import { useNow } from '../components/use-now';
import type { MessageKey } from '../i18n/i18n';
import { indicatorOf, useKioskStore, type Indicator, type Intake } from '../stores/kiosk.store';
import { plainReason } from './out-of-service';

/**
 * What a customer needs to know: can I put items in now? "ready" only when a session can start and
 * take items; otherwise "unavailable" with the causes in plain words. Link quality, a slow event loop or
 * an unreachable platform are the technicians' business: the machine still takes items (points wait).
 */
export type Availability =
  | { readonly state: 'ready' | 'connecting'; readonly reasons: readonly [] }
  | { readonly state: 'unavailable'; readonly reasons: readonly MessageKey[] };

export function availabilityOf(
  indicator: Indicator,
  deposit: DepositState | undefined,
  heartbeatStatus: 'ok' | 'degraded' | 'out_of_service' | undefined,
  intake: Intake | undefined,
): Availability {
  if (indicator === 'offline') return { state: 'unavailable', reasons: ['oos.noLink'] };
  if (deposit?.state === 'out_of_service') {
    const reasons = [...new Set(deposit.outOfService.map(plainReason))];
    return { state: 'unavailable', reasons: reasons.length ? reasons : ['oos.other'] };
  }
  // Out of service by the heartbeat before (or without) a deposit state saying why: a general word.
  if (heartbeatStatus === 'out_of_service') return { state: 'unavailable', reasons: ['oos.other'] };
  if (intake === 'none') return { state: 'unavailable', reasons: ['oos.vision'] };
  if (indicator === 'connecting' || !deposit) return { state: 'connecting', reasons: [] };
  return { state: 'ready', reasons: [] };
}

/** The availability now (re-derived every second: a heartbeat that stops arriving turns it unavailable). */
export function useAvailability(): Availability {
  const now = useNow(1000);
  const indicator = useKioskStore((s) => indicatorOf(s, now));
  const deposit = useKioskStore((s) => s.deposit);
  const status = useKioskStore((s) => s.heartbeat?.status);
  const intake = useKioskStore((s) => s.catalogue?.intake);
  return availabilityOf(indicator, deposit, status, intake);
}
