import { z } from 'zod';
import { cidr } from './cidr';

/** Vouchers the shop's till redeems (README: Vouchers for till integrators). */
export const VoucherSchema = z
  .object({
    /** Days a voucher can be redeemed after it is issued. */
    expiryDays: z.number().int().min(1).max(3650).default(30),
    /**
     * The till's access to /till/v1/vouchers on the remote server (remote.host must be reachable from
     * the shop's LAN). Its own token: a till can check and redeem vouchers, nothing else.
     */
    till: z
      .object({
        /** Bearer token the till sends; at least 32 characters. Secret: never shown or logged. */
        token: z.string().min(32, 'must be at least 32 characters').optional(),
        /** The tills' addresses; a till outside them is refused. */
        allowCidrs: z.array(cidr).default([]),
      })
      .strict()
      .prefault({})
      .refine((till) => !till.token || till.allowCidrs.length > 0, {
        message: 'vouchers.till.allowCidrs must list the tills (e.g. 192.168.1.20/32) when vouchers.till.token is set',
      }),
  })
  .strict();
