import type { Migration } from './migration';

/**
 * Platform delivery: the platform's own session reference (v1 session id / v2 session token) and the
 * member's display name on a session; per-job progress in the outbox (a v2 deposit is two requests:
 * the deposit id from the first is kept so a retry does not create a second deposit).
 */
export const migration002: Migration = {
  version: 2,
  name: 'platform',
  up: `
    ALTER TABLE sessions ADD COLUMN platform_session TEXT;
    ALTER TABLE sessions ADD COLUMN member_name TEXT;
    ALTER TABLE outbox ADD COLUMN progress TEXT;
  `,
};
