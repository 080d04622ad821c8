import type { Migration } from './migration';

/**
 * Alert notifications waiting to be sent (webhook, e-mail), durable like deliveries: an alert raised
 * during an outage is sent when the link returns, once per channel and alert transition (`key`).
 */
export const migration006: Migration = {
  version: 6,
  name: 'alert-notifications',
  up: `
    CREATE TABLE alert_notifications (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      channel TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
      key TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'expired')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      last_error TEXT,
      created_at INTEGER NOT NULL,
      sent_at INTEGER,
      UNIQUE (channel, key)
    ) STRICT;
    CREATE INDEX alert_notifications_due ON alert_notifications (status, next_attempt_at);
  `,
};
