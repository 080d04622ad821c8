// The double's v2 calls beyond the first version: a guest (donation) session and the machine's own
// address and time zone (PATCH /rvm/self/update), with the rules PLATFORM-API.md gives.
import { z } from 'zod';
import { json, Reply, validate } from './http-kit';

export interface V2State {
  readonly machineApiKey: string;
  readonly selfUpdates: unknown[];
  readonly guestActivations: string[];
}

/** The QR sessions the double keeps (shared with create/status/claim). */
export interface GuestableSession {
  profile: 'v1' | 'v2';
  status: 'pending' | 'claimed' | 'expired';
  mode?: 'guest_donation';
}

const SelfUpdate = z.object({
  ip_address: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  timezone: z.string().min(1).max(100).optional(),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
});

/** PATCH /rvm/self/update: the per-machine key only. */
export function selfUpdate(s: V2State, raw: Buffer, apiKey: string | undefined, rvmId: number): Reply {
  if (apiKey !== s.machineApiKey) throw new Reply(401, { success: false, message: 'Invalid API key' });
  const body = validate(SelfUpdate, json(raw));
  s.selfUpdates.push(body);
  return new Reply(200, { success: true, message: 'updated', data: { rvm_id: rvmId, ...body } });
}

/**
 * POST /rvm/session/activate-guest {session_token}: 404 for an unknown token. PLATFORM-API.md says
 * nothing of a claimed or expired one; the double answers 409, like a claim of a claimed session.
 */
export function activateGuest(
  s: V2State,
  raw: Buffer,
  find: (token: string) => GuestableSession | undefined,
  rvmId: number,
): Reply {
  const body = validate(z.object({ session_token: z.string().min(1) }), json(raw));
  const session = find(body.session_token);
  if (!session || session.profile !== 'v2') throw new Reply(404, { success: false, message: 'Session not found' });
  if (session.status !== 'pending') throw new Reply(409, { success: false, message: `Session is ${session.status}` });
  session.mode = 'guest_donation';
  s.guestActivations.push(body.session_token);
  return new Reply(200, {
    success: true,
    message: 'Guest session activated',
    data: { session_token: body.session_token, rvm_id: rvmId, status: 'active', mode: 'guest_donation' },
  });
}
