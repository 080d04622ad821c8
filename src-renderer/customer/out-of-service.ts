import type { OutOfServiceCode, OutOfServiceReason } from '../../src-preload/contract';
import type { MessageKey } from '../i18n/i18n';

/**
 * Customers get one plain sentence per kind of cause, chosen by the reason's code; the technical
 * detail ("camera lost: ffmpeg exited 1") is for technicians only. Every code has words (typed: a new
 * code does not compile until it has them, and i18n tests check both languages hold each key).
 */
export const OUT_OF_SERVICE_MESSAGES: Readonly<Record<OutOfServiceCode, MessageKey>> = {
  bin: 'oos.bin',
  camera: 'oos.camera',
  vision: 'oos.vision',
  hardware: 'oos.hardware',
  storage: 'oos.store',
  maintenance: 'oos.maintenance',
  status: 'oos.maintenance',
  setup: 'oos.other',
  updating: 'oos.other',
  backup: 'oos.other',
};

export const plainReason = (reason: OutOfServiceReason): MessageKey => OUT_OF_SERVICE_MESSAGES[reason.code];
