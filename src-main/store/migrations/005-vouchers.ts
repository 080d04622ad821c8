import type { Migration } from './migration';

/**
 * Vouchers a shop can redeem (Ed25519-signed, RVM2 codes): the 13-digit number a 1-D scanner reads,
 * the money value, the expiry, who redeemed it, and when it was printed. Vouchers issued before this
 * (RVMV1, HMAC) keep a null number and expiry: they stay redeemable, their expiry counted from issue.
 */
export const migration005: Migration = {
  version: 5,
  name: 'vouchers',
  up: `
    ALTER TABLE vouchers ADD COLUMN number TEXT;
    ALTER TABLE vouchers ADD COLUMN value_amount REAL;
    ALTER TABLE vouchers ADD COLUMN currency TEXT;
    ALTER TABLE vouchers ADD COLUMN expires_at INTEGER;
    ALTER TABLE vouchers ADD COLUMN redeemed_by TEXT;
    ALTER TABLE vouchers ADD COLUMN printed_at INTEGER;
    CREATE UNIQUE INDEX vouchers_number ON vouchers (number) WHERE number IS NOT NULL;
    CREATE INDEX vouchers_created_at ON vouchers (created_at);
  `,
};
