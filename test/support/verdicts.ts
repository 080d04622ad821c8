import type { ItemVerdict } from '../../src-preload/contract';

/** A PET bottle the detector accepted (10 points at the default prices). */
export const petVerdict: ItemVerdict = {
  className: 'mineral',
  material: 'pet',
  confidence: 0.9,
  accepted: true,
  reason: null,
  box: [0, 0, 10, 10],
  weightG: 20,
};
