import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import { isLoopbackHost } from '../config/config.schema';

export interface RemoteAccessConfig {
  readonly host: string;
  readonly token?: string | undefined;
  readonly allowCidrs: readonly string[];
}

export type AccessDecision =
  { readonly ok: true } | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

export const TOKEN_COOKIE = 'rvm_token';

/**
 * Bound to loopback: only this machine can connect, no token needed. Bound elsewhere: the peer must
 * be inside the allow-list AND present the bearer token (header or cookie), on every request.
 */
export function createAccessPolicy(config: RemoteAccessConfig) {
  const open = isLoopbackHost(config.host);
  const cidrs = config.allowCidrs.map((c) => ipaddr.parseCIDR(c));
  const expected = config.token ? digest(config.token) : undefined;

  const addressAllowed = (address: string | undefined): boolean => {
    if (!address || !ipaddr.isValid(address)) return false;
    const addr = ipaddr.process(address);
    return cidrs.some(([range, bits]) => addr.kind() === range.kind() && addr.match(range, bits));
  };

  const tokenMatches = (presented: string | undefined): boolean =>
    expected !== undefined && presented !== undefined && timingSafeEqual(digest(presented), expected);

  return {
    requiresToken: !open,
    /**
     * withoutToken: for /healthz, which needs only the address check. token: a token presented
     * some other way than the request's header or cookie (the one-time `?token=` login).
     */
    check(req: IncomingMessage, opts: { withoutToken?: boolean; token?: string } = {}): AccessDecision {
      if (open) return { ok: true };
      const address = req.socket.remoteAddress;
      if (!addressAllowed(address))
        return { ok: false, status: 403, reason: `address ${address} is outside remote.allowCidrs` };
      if (opts.withoutToken || tokenMatches(opts.token ?? presentedToken(req))) return { ok: true };
      return { ok: false, status: 401, reason: 'missing or wrong bearer token' };
    },
  };
}

export type AccessPolicy = ReturnType<typeof createAccessPolicy>;

function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  const cookie = req.headers.cookie ?? '';
  for (const part of cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * A browser page may only open our WebSocket from our own origin (stops another site in the same
 * browser from driving the kiosk). Clients that send no Origin are not browsers.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
