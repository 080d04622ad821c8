import { createReadStream, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { WS_PATH } from '../../src-preload/contract';
import { contentTypeFor, resolveAsset, SECURITY_HEADERS } from '../assets/renderer-assets';
import { systemClock, type Clock } from '../kernel/clock';
import { TokenBucket } from '../kernel/token-bucket';
import type { KioskCore } from '../core/kiosk-core';
import type { Logger } from '../log/logger';
import { RefusalLog } from '../kernel/refusal-log';
import { MemoryRelief } from './memory-relief';
import {
  allowedHostNames,
  checkHostAndOrigin,
  createAccessPolicy,
  TOKEN_COOKIE,
  type RemoteAccessConfig,
} from './access-policy';
import { createTillRoutes, type TillOptions } from './till.routes';
import { DEFAULT_WS_LIMITS, serveContractOverWs, type WsClient, type WsClientLimits } from './ws.transport';

/** New WebSocket connections a second (twice that in a burst), all clients together (remote.connectionsPerSecond). */
const NEW_CONNECTIONS_PER_SECOND = 20;

/** Largest contract message a client may send (a pasted credentials file is a few KB). */
const MAX_PAYLOAD_BYTES = 256 * 1024;

export interface RemoteServerOptions {
  readonly core: Pick<KioskCore, 'router' | 'hub' | 'health'>;
  readonly remote: RemoteAccessConfig & {
    readonly port: number;
    /** PEM files; with them the server speaks only HTTPS (plain HTTP connections are refused). */
    readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
    /** Extra names browsers may use for this server (loopback names always work). */
    readonly hostNames?: readonly string[] | undefined;
    /** WebSocket clients at once; one more is refused with 503. */
    readonly maxClients?: number | undefined;
    readonly callsPerSecond?: number | undefined;
    readonly connectionsPerSecond?: number | undefined;
  };
  /** Keepalive and slow-client limits; tests shorten them. */
  readonly ws?: Partial<WsClientLimits> & { readonly pingIntervalMs?: number };
  readonly clock?: Clock;
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  /** Vouchers for the shop's tills (POST /till/v1/vouchers/…), with their own token and allow-list. */
  readonly till?: Omit<TillOptions, 'host' | 'clock' | 'refusals'>;
  /** Prometheus text for GET /metrics (fleet monitoring), behind the same token and allow-list. */
  readonly metrics?: { readonly contentType: string; text(): Promise<string> };
  readonly logger: Logger;
}

export interface RemoteServer {
  readonly url: string;
  readonly port: number;
  /** Open TCP connections and WebSocket clients now (what a flood left behind: should fall to 0). */
  connections(): { sockets: number; wsClients: number };
  close(): Promise<void>;
}

/** Headless transport: the renderer over HTTP and the contract over a WebSocket at /ws. */
export async function startRemoteServer(options: RemoteServerOptions): Promise<RemoteServer> {
  const log = options.logger.scope('remote');
  const clock = options.clock ?? systemClock;
  const relief = new MemoryRelief(clock);
  // Every refusal is also a sign of a burst whose garbage should be given back once it is over.
  const refusals = new RefusalLog(log, clock, 60_000, () => relief.note());
  const policy = createAccessPolicy(options.remote);
  const hosts = allowedHostNames(options.remote.host, options.remote.hostNames ?? []);
  const maxClients = options.remote.maxClients ?? 32;
  const limits: WsClientLimits = {
    ...DEFAULT_WS_LIMITS,
    ...(options.remote.callsPerSecond ? { callsPerSecond: options.remote.callsPerSecond } : {}),
    ...options.ws,
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, clientTracking: true });
  // ws re-emits errors of a socket being upgraded; without a listener they would be uncaught.
  wss.on('error', (error) => refusals.note('WebSocket server error', error.message));
  const sockets = new Set<Socket>();
  const wsClients = new Map<WebSocket, WsClient & { alive: boolean }>();
  // Per-connection call limits must not be escaped by reconnecting: new connections are rate-limited too.
  const perSecond = options.remote.connectionsPerSecond ?? NEW_CONNECTIONS_PER_SECOND;
  const upgrades = new TokenBucket(clock, perSecond, perSecond * 2);
  const till = options.till && createTillRoutes({ ...options.till, host: options.remote.host, clock, refusals });

  const listener: RequestListener = (req, res) => {
    try {
      handleHttp(req, res);
    } catch (error) {
      log.error('http request failed', error);
      if (!res.headersSent) send(res, 500, 'Internal error');
    }
  };
  const tls = options.remote.tls ? readTls(options.remote.tls) : undefined;
  const server: Server = tls ? createTlsServer(tls, listener) : createServer(listener);
  // Plain HTTP (or a failed handshake) on the TLS port: refused, and said so in the log.
  server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    log.warn(
      `refused a connection from ${socket.remoteAddress}: not TLS or handshake failed (${error.code ?? error.message})`,
    );
    socket.destroy();
  });

  // A malformed request line or header: answered 400 and closed, counted in the log (never thrown).
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    refusals.note('refused malformed HTTP', `${socket.remoteAddress ?? '?'}: ${error.code ?? error.message}`);
    refuseAndClose(socket, 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://kiosk.invalid');
    const named = checkHostAndOrigin(req, hosts);
    if (!named.ok) {
      refusals.note(
        `refused HTTP (${named.status})`,
        `${req.method} ${url.pathname} from ${req.socket.remoteAddress}: ${named.reason}`,
      );
      return send(res, named.status, named.status === 421 ? 'Misdirected request' : 'Forbidden');
    }
    // Tills have their own token and allow-list (vouchers.till), checked there.
    if (till && url.pathname.startsWith('/till/')) return till(req, res, url.pathname);
    const decision = policy.check(req, { withoutToken: url.pathname === '/healthz' });
    if (!decision.ok) {
      // The one-time ?token= login answers with its redirect (and nothing else).
      if (acceptQueryToken(req, res, url)) return;
      refusals.note(
        `refused HTTP (${decision.status})`,
        `${req.method} ${url.pathname} from ${req.socket.remoteAddress}: ${decision.reason}`,
      );
      return send(res, decision.status, decision.status === 401 ? 'Unauthorized' : 'Forbidden');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
    if (url.pathname === '/healthz') {
      const { status } = options.core.health.snapshot();
      res.writeHead(status === 'out_of_service' ? 503 : 200, {
        'Content-Type': 'application/json',
        ...SECURITY_HEADERS,
      });
      return void res.end(JSON.stringify({ status }));
    }
    if (url.pathname === '/metrics' && options.metrics) {
      const { metrics } = options;
      void metrics.text().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (error: unknown) => {
          log.error('metrics failed', error);
          send(res, 500, 'Internal error');
        },
      );
      return;
    }
    const file = resolveAsset(options.rendererDir, url.pathname);
    if (!file) return send(res, 404, 'Not found');
    res.writeHead(200, {
      'Content-Type': contentTypeFor(file),
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'public, max-age=31536000, immutable',
      ...SECURITY_HEADERS,
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  /** `/?token=…` lets a technician's browser log in once: the token moves into an HttpOnly cookie. */
  function acceptQueryToken(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const token = url.searchParams.get('token');
    if (!policy.requiresToken || token === null || !policy.check(req, { token }).ok) return false;
    url.searchParams.delete('token');
    res.writeHead(303, {
      Location: `${url.pathname}${url.search}`,
      'Set-Cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/${tls ? '; Secure' : ''}`,
      ...SECURITY_HEADERS,
    });
    res.end();
    return true;
  }

  server.on('upgrade', (req, socket: Socket, head) => {
    // Node removes its own error listener from an upgraded socket; a reset here must not be uncaught.
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://kiosk.invalid').pathname;
    const named = checkHostAndOrigin(req, hosts);
    const decision = policy.check(req);
    const refusal =
      path !== WS_PATH
        ? { status: '404 Not Found', reason: 'not the contract path' }
        : !named.ok
          ? { status: named.status === 421 ? '421 Misdirected Request' : '403 Forbidden', reason: named.reason }
          : !decision.ok
            ? {
                status: `${decision.status} ${decision.status === 401 ? 'Unauthorized' : 'Forbidden'}`,
                reason: decision.reason,
              }
            : wsClients.size >= maxClients
              ? {
                  status: '503 Service Unavailable',
                  reason: `${maxClients} clients already connected (remote.maxClients)`,
                }
              : !upgrades.take()
                ? {
                    status: '429 Too Many Requests',
                    reason: `too many new connections; try again in ${Math.ceil(upgrades.retryAfterMs() / 1000)} s`,
                  }
                : undefined;
    if (refusal) {
      refusals.note(
        `refused WebSocket (${refusal.status})`,
        `${path} from ${req.socket.remoteAddress} (origin ${req.headers.origin ?? 'none'}): ${refusal.reason}`,
      );
      const body = `${refusal.reason}\n`;
      refuseAndClose(
        socket,
        `HTTP/1.1 ${refusal.status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client = Object.assign(
        serveContractOverWs(ws, { router: options.core.router, hub: options.core.hub, clock, refusals, limits }),
        { alive: true },
      );
      wsClients.set(ws, client);
      ws.on('pong', () => (client.alive = true));
      ws.on('close', () => {
        wsClients.delete(ws);
        relief.note();
      });
    });
  });
  // Keepalive: a peer that did not answer the last ping is gone (a pulled cable, a sleeping tablet).
  const stopKeepalive = clock.every(options.ws?.pingIntervalMs ?? 30_000, () => {
    for (const [ws, client] of wsClients) {
      if (!client.alive) {
        refusals.note('disconnected a WebSocket client that stopped answering pings', 'no pong');
        ws.terminate();
        continue;
      }
      client.alive = false;
      client.checkSlow();
      ws.ping();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // After listening, a server error (e.g. too many open files) is logged, not thrown.
  const onServerError = (error: Error) => log.error('remote server error', error);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.remote.port, options.remote.host, () => {
      server.off('error', reject);
      server.on('error', onServerError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.remote.host.includes(':') ? `[${options.remote.host}]` : options.remote.host;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${port}/`,
    port,
    connections: () => ({ sockets: sockets.size, wsClients: wsClients.size }),
    close: () =>
      new Promise<void>((resolve) => {
        stopKeepalive();
        refusals.stop();
        relief.stop();
        for (const client of wss.clients) client.terminate();
        wss.close();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Reads the certificate and key, checking they belong together; the message names the file and the fix. */
function readTls(files: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (what: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(
        `cannot read remote.tls.${what} ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path and that the kiosk user may read it`,
        { cause: error },
      );
    }
  };
  const cert = read('certFile', files.certFile);
  const key = read('keyFile', files.keyFile);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new Error(
      `remote.tls: ${files.certFile} and ${files.keyFile} are not a PEM certificate and its private key (${(error as Error).message})`,
      { cause: error },
    );
  }
  return { cert, key };
}

/** Writes a refusal and closes the socket for good, whatever the peer does (no half-open sockets left). */
function refuseAndClose(socket: Socket, response: string): void {
  if (!socket.writable || socket.destroyed) return void socket.destroy();
  socket.end(response, () => socket.destroy());
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
  res.end(`${text}\n`);
}
