import type { ItemVerdict, RejectReason } from '../../src-preload/contract';
import type { Config } from '../config/config.schema';

export interface PricingContext {
  readonly deposit: Config['deposit'];
  /** Whether the platform answered lately: offline credit is capped. */
  readonly online: boolean;
  /** Points already credited in this session. */
  readonly sessionPoints: number;
  /** Points credited today on this machine (read only when offline). */
  readonly pointsToday: () => number;
}

/**
 * What an accepted verdict is worth: by barcode when the kiosk prices it, else by material; refused
 * when its weight is out of the material's range, or when the offline caps would be passed.
 */
export function priceItem(verdict: ItemVerdict, ctx: PricingContext): { points: number; reason: RejectReason | null } {
  if (!verdict.accepted) return { points: 0, reason: verdict.reason ?? 'unknown_item' };
  const material = ctx.deposit.materials[verdict.material!]!;
  const byBarcode = verdict.barcode ? ctx.deposit.barcodePoints[verdict.barcode] : undefined;
  const points = byBarcode ?? material.points;
  const w = verdict.weightG;
  if (
    w !== undefined &&
    ((material.minWeightG !== undefined && w < material.minWeightG) ||
      (material.maxWeightG !== undefined && w > material.maxWeightG))
  ) {
    return { points, reason: 'weight_out_of_range' };
  }
  if (!ctx.online) {
    const caps = ctx.deposit.offlineCaps;
    if (ctx.sessionPoints + points > caps.sessionPoints || ctx.pointsToday() + points > caps.dailyPoints)
      return { points, reason: 'credit_cap' };
  }
  return { points, reason: null };
}

/** Midnight (local time) of the day `ms` falls in. */
export function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** What one point is worth in money (deposit.pointValue; unset: Rp 10 with a MyRVM platform), or null. */
export function pointValueOf(
  config: Pick<Config, 'deposit' | 'platform'>,
): { amount: number; currency: string } | null {
  if (config.deposit.pointValue !== undefined) return config.deposit.pointValue;
  return config.platform.profile === 'none' ? null : { amount: 10, currency: 'IDR' };
}

/** The money value of some points (rounded to 4 decimals: no float dust on a receipt), or null. */
export function moneyFor(
  points: number,
  pointValue: { amount: number; currency: string } | null,
): { amount: number; currency: string } | null {
  return pointValue ? { amount: Number((points * pointValue.amount).toFixed(4)), currency: pointValue.currency } : null;
}
