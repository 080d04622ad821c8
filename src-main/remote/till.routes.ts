import type { IncomingMessage, ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from '../assets/renderer-assets';
import type { Clock } from '../kernel/clock';
import type { RefusalLog } from '../kernel/refusal-log';
import { TokenBucket } from '../kernel/token-bucket';
import type { VoucherAnswer, VoucherDesk } from '../payout/voucher-desk';
import { createAccessPolicy } from './access-policy';

/** A till's request: the scanned code, and who is asking (its name, for the audit log). */
const MAX_BODY_BYTES = 4096;
/** Calls a second from all tills together (twice that in a burst): a shop has a few tills. */
const CALLS_PER_SECOND = 10;

export interface TillOptions {
  /** remote.host: bound to loopback, only this machine can ask (no token needed, like maintenance). */
  readonly host: string;
  /** vouchers.till: its own token and allow-list; without a token, tills off the machine are refused. */
  readonly till: { readonly token?: string | undefined; readonly allowCidrs: readonly string[] };
  /** Undefined while the store or the voucher key is unavailable. */
  readonly desk: () => VoucherDesk | undefined;
  readonly clock: Clock;
  readonly refusals: RefusalLog;
}

/**
 * POST /till/v1/vouchers/check and /till/v1/vouchers/redeem, JSON `{"code": "...", "till": "till 2"}`:
 * 200 with `{ok, status, reason, voucher}` for every understood request (a refusal is ok: false with
 * its reason); 400 malformed, 401/403 not allowed, 405 not POST, 413 too large, 429 too fast, 503 no store.
 * The till token grants this and nothing else; the maintenance token does not grant it.
 */
export function createTillRoutes(options: TillOptions) {
  const policy = createAccessPolicy({
    host: options.host,
    token: options.till.token,
    allowCidrs: options.till.allowCidrs,
    allowKey: 'vouchers.till.allowCidrs',
  });
  const bucket = new TokenBucket(options.clock, CALLS_PER_SECOND, CALLS_PER_SECOND * 2);

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
    res.end(`${JSON.stringify(body)}\n`);
  };
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string) => {
    options.refusals.note(`refused till request (${status})`, `${req.url} from ${req.socket.remoteAddress}: ${reason}`);
    reply(res, status, { ok: false, error: reason });
  };

  return (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const action = /^\/till\/v1\/vouchers\/(check|redeem)$/.exec(path)?.[1];
    if (!action)
      return reply(res, 404, { ok: false, error: 'unknown till path: POST /till/v1/vouchers/check or /redeem' });
    const access = policy.check(req);
    if (!access.ok) {
      const why = options.till.token
        ? access.reason
        : 'till access is off: set vouchers.till.token and vouchers.till.allowCidrs';
      return refuse(req, res, access.status, why);
    }
    if (req.method !== 'POST') return refuse(req, res, 405, 'use POST with a JSON body {"code": "..."}');
    if (!bucket.take()) return refuse(req, res, 429, 'too many requests; try again in a second');
    readBody(req, MAX_BODY_BYTES).then(
      (body) => {
        const request = parseRequest(body);
        if (typeof request === 'string') return refuse(req, res, 400, request);
        const desk = options.desk();
        if (!desk)
          return refuse(req, res, 503, 'vouchers are unavailable on this machine now (store or key); try later');
        const who = `till ${request.till ?? 'unnamed'} (${req.socket.remoteAddress ?? '?'})`;
        const answer: VoucherAnswer = action === 'check' ? desk.check(request.code) : desk.redeem(request.code, who);
        reply(res, 200, answer);
      },
      (error: Error & { status?: number }) => refuse(req, res, error.status ?? 400, error.message),
    );
  };
}

function parseRequest(body: string): { code: string; till?: string } | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the body is not JSON: send {"code": "<scanned text>", "till": "<name>"}';
  }
  const { code, till } = (parsed ?? {}) as { code?: unknown; till?: unknown };
  if (typeof code !== 'string' || code.length === 0 || code.length > 512) {
    return '"code" must be the scanned text (1–512 characters)';
  }
  if (till !== undefined && (typeof till !== 'string' || !/^[\w .:-]{1,40}$/.test(till))) {
    return '"till" must be a short name (letters, digits, spaces, . : - _; up to 40)';
  }
  return till === undefined ? { code } : { code, till };
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(Object.assign(new Error(`the body is over ${max} bytes`), { status: 413 }));
        req.removeAllListeners('data');
        req.resume(); // drained, not kept
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
