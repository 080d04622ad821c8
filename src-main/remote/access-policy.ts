import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';
import { isLoopbackHost } from '../config/config.schema';

export interface RemoteAccessConfig {
  readonly host: string;
  readonly token?: string | undefined;
  readonly allowCidrs: readonly string[];
  /** The allow-list's config key, for refusals (default remote.allowCidrs). */
  readonly allowKey?: string;
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
        return {
          ok: false,
          status: 403,
          reason: `address ${address} is outside ${config.allowKey ?? 'remote.allowCidrs'}`,
        };
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
 * The names this server answers to. A page on another name that resolves to us (DNS rebinding:
 * evil.example → 127.0.0.1) is same-origin with itself, so a Host check is the only thing that tells
 * it apart. Loopback names and addresses always; this machine's own addresses; the bound address; and
 * the configured names (remote.hostNames).
 */
export function allowedHostNames(bindHost: string, hostNames: readonly string[]): ReadonlySet<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1', ...hostNames.map((n) => n.toLowerCase())]);
  if (!['0.0.0.0', '::'].includes(bindHost)) names.add(bindHost.toLowerCase());
  return names;
}

/** The host part of a Host header or origin host ("Name:8787", "[::1]:8787") in lower case. */
export function hostOnly(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']') === -1 ? undefined : host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

export type HostDecision =
  { readonly ok: true } | { readonly ok: false; readonly status: 403 | 421; readonly reason: string };

/**
 * Every HTTP request and WebSocket upgrade, before any handler: the Host must be one of ours (421
 * Misdirected Request otherwise), and a browser's Origin must be the same host (403: another site in
 * the same browser must not drive the kiosk; clients that send no Origin are not browsers).
 */
export function checkHostAndOrigin(req: IncomingMessage, allowed: ReadonlySet<string>): HostDecision {
  const host = req.headers.host;
  if (!host) return { ok: false, status: 421, reason: 'no Host header' };
  // 127.x.y.z is all loopback; the bound address and names are in the set.
  const name = hostOnly(host);
  if (!allowed.has(name) && !isLocalAddress(name)) {
    return { ok: false, status: 421, reason: `Host "${host}" is not a name of this kiosk (remote.hostNames)` };
  }
  const origin = req.headers.origin;
  if (origin === undefined) return { ok: true };
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return { ok: false, status: 403, reason: `Origin "${origin}" is not a URL` };
  }
  if (originHost.toLowerCase() !== host.trim().toLowerCase()) {
    return { ok: false, status: 403, reason: `Origin "${origin}" is not this kiosk's page (Host ${host})` };
  }
  return { ok: true };
}

/**
 * An address literal of this machine (127.x, ::1, or an interface's address such as the VPN's
 * 10.8.0.12): a browser that typed it is on our own origin; rebinding needs a name.
 */
function isLocalAddress(name: string): boolean {
  if (!ipaddr.isValid(name)) return false;
  const addr = ipaddr.process(name);
  if (addr.range() === 'loopback') return true;
  const text = addr.toString();
  return interfaceAddresses().has(text);
}

let interfaces: { at: number; addresses: Set<string> } | undefined;
/** This machine's interface addresses, read at most every 10 s (a VPN can come up after start). */
function interfaceAddresses(): Set<string> {
  const now = Date.now();
  if (!interfaces || now - interfaces.at > 10_000) {
    const addresses = new Set<string>();
    for (const list of Object.values(networkInterfaces())) {
      for (const entry of list ?? []) {
        if (ipaddr.isValid(entry.address)) addresses.add(ipaddr.process(entry.address).toString());
      }
    }
    interfaces = { at: now, addresses };
  }
  return interfaces.addresses;
}
