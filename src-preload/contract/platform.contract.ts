import { z } from 'zod';
import { call, event } from './define';

export const LINK_STATES = ['online', 'degraded', 'offline', 'disabled'] as const;

/** The platform link as the kiosk sees it: for the corner indicator and maintenance. */
export const LinkStatusSchema = z.object({
  profile: z.enum(['none', 'v1', 'v2']),
  /** online: the last exchange worked; degraded: it answers but refuses or fails; offline: no answer. */
  state: z.enum(LINK_STATES),
  /** Epoch ms of the last successful exchange, null before the first. */
  lastSuccessAt: z.number().nullable(),
  /** What went wrong last (no secrets), null while all is well. */
  lastError: z.string().nullable(),
  backlog: z.object({
    /** Jobs not yet delivered (pending + in flight). */
    count: z.number().int().nonnegative(),
    /** Epoch ms the oldest of them was committed, null when none. */
    oldestAt: z.number().nullable(),
    quarantined: z.number().int().nonnegative(),
  }),
  /** Live events (Pusher protocol) connected. */
  live: z.boolean(),
});
export type LinkStatus = z.infer<typeof LinkStatusSchema>;

export const platformContract = {
  status: call(z.undefined(), LinkStatusSchema),
  /** Sent when the state or the backlog changes. */
  changed: event(LinkStatusSchema),
} as const;
