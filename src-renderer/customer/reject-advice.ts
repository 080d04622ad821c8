import type { RejectReason } from '../../src-preload/contract';
import type { PictogramKind } from '../components/Pictogram';
import type { MessageKey } from '../i18n/i18n';

/** What a customer should do about a rejected item: one plain instruction and its pictogram. */
export interface RejectAdvice {
  readonly key: MessageKey;
  readonly pictogram: PictogramKind;
}

const BY_REASON: Readonly<Record<RejectReason, RejectAdvice>> = {
  unknown_item: { key: 'advice.material', pictogram: 'material' },
  low_confidence: { key: 'advice.camera', pictogram: 'camera' },
  multiple_items: { key: 'advice.one', pictogram: 'one' },
  reject_class: { key: 'advice.material', pictogram: 'material' },
  moved_out: { key: 'advice.wait', pictogram: 'wait' },
  ineligible_barcode: { key: 'advice.barcode', pictogram: 'barcode' },
  wrong_shape: { key: 'advice.material', pictogram: 'material' },
  weight_out_of_range: { key: 'advice.empty', pictogram: 'empty' },
  credit_cap: { key: 'advice.limit', pictogram: 'limit' },
  not_taken: { key: 'advice.takeBack', pictogram: 'hand' },
};

const EMPTY: RejectAdvice = { key: 'advice.empty', pictogram: 'empty' };
const HAND: RejectAdvice = { key: 'advice.hand', pictogram: 'hand' };

/**
 * The advice for a reject. The detector's reject classes all arrive as `reject_class`; the class name
 * says which ones a customer can fix (a full bottle, a hand in the chamber), so it picks the words.
 */
export function rejectAdvice(reason: RejectReason | null, className: string): RejectAdvice {
  if (reason === 'reject_class') {
    if (/not[_\s-]?empty|full|liquid/i.test(className)) return EMPTY;
    if (/hand|person|arm|finger/i.test(className)) return HAND;
  }
  return BY_REASON[reason ?? 'unknown_item'];
}
