import type { MessageKey } from '../i18n/i18n';

/**
 * Main's out-of-service reasons are for technicians ("camera lost: ffmpeg exited 1"); customers get
 * one plain sentence per kind of cause, never the technical detail.
 */
export function plainReason(reason: string): MessageKey {
  const r = reason.toLowerCase();
  if (r.startsWith('maintenance')) return 'oos.maintenance';
  if (r.includes('bin')) return 'oos.bin';
  if (r.includes('camera')) return 'oos.camera';
  if (r.includes('model') || r.includes('vision') || r.includes('detector')) return 'oos.vision';
  if (r.includes('store') || r.includes('database')) return 'oos.store';
  if (r.includes('hardware') || r.includes('controller') || r.includes('door') || r.includes('motor'))
    return 'oos.hardware';
  return 'oos.other';
}
