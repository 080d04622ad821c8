import type { MessageKey } from './id';

export const en = {
  'attract.title': 'Return bottles & cans',
  'attract.subtitle': 'Earn points for every empty plastic bottle and can.',
  'attract.ready': 'Machine ready',
  'attract.outOfService': 'Sorry, this machine cannot accept items right now.',
  'attract.outOfServiceHint': 'Staff have been notified. Please try again later.',
  'attract.degraded': 'The machine is running slowly, please be patient.',
  'link.online': 'Connected',
  'link.degraded': 'Degraded',
  'link.offline': 'Offline',
  'link.connecting': 'Connecting…',
  'language.switch': 'Bahasa Indonesia',
  'language.label': 'Language',
  'footer.version': 'Version {version}',
} as const satisfies Record<MessageKey, string>;
