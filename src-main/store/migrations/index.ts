import { migration001 } from './001-initial';
import { migration002 } from './002-platform';
import { migration003 } from './003-outbox-discard';
import { migration004 } from './004-held-items';
import { migration005 } from './005-vouchers';
import { migration006 } from './006-alert-notifications';
import type { Migration } from './migration';

/** In order; the last one's version is the schema this build writes. */
export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
];
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;
