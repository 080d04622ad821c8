import { createReadStream, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import { WebSocketServer } from 'ws';
import { WS_PATH } from '../../src-preload/contract';
import { contentTypeFor, resolveAsset, SECURITY_HEADERS } from '../assets/renderer-assets';
import type { KioskCore } from '../core/kiosk-core';
import type { Logger } from '../log/logger';
import { createAccessPolicy, originAllowed, TOKEN_COOKIE, type RemoteAccessConfig } from './access-policy';
import { serveContractOverWs } from './ws.transport';

export interface RemoteServerOptions {
  readonly core: Pick<KioskCore, 'router' | 'hub' | 'health'>;
  readonly remote: RemoteAccessConfig & {
    readonly port: number;
    /** PEM files; with them the server speaks only HTTPS (plain HTTP connections are refused). */
    readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
  };
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  /** Prometheus text for GET /metrics (fleet monitoring), behind the same token and allow-list. */
  readonly metrics?: { readonly contentType: string; text(): Promise<string> };
  readonly logger: Logger;
}

export interface RemoteServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Headless transport: the renderer over HTTP and the contract over a WebSocket at /ws. */
export async function startRemoteServer(options: RemoteServerOptions): Promise<RemoteServer> {
  const log = options.logger.scope('remote');
  const policy = createAccessPolicy(options.remote);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const sockets = new Set<Socket>();

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

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://kiosk.invalid');
    const decision = policy.check(req, { withoutToken: url.pathname === '/healthz' });
    if (!decision.ok && !acceptQueryToken(req, res, url)) {
      log.warn(`refused ${req.method} ${url.pathname} from ${req.socket.remoteAddress}: ${decision.reason}`);
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
      'Set-Cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      ...SECURITY_HEADERS,
    });
    res.end();
    return true;
  }

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://kiosk.invalid').pathname;
    const decision = policy.check(req);
    const refusal =
      path !== WS_PATH
        ? '404 Not Found'
        : !decision.ok
          ? `${decision.status} ${decision.status === 401 ? 'Unauthorized' : 'Forbidden'}`
          : !originAllowed(req)
            ? '403 Forbidden'
            : undefined;
    if (refusal) {
      log.warn(
        `refused websocket ${path} from ${req.socket.remoteAddress} (origin ${req.headers.origin ?? 'none'}): ${refusal}`,
      );
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveContractOverWs(ws, options.core.router, options.core.hub, log));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.remote.port, options.remote.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.remote.host.includes(':') ? `[${options.remote.host}]` : options.remote.host;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
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

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
  res.end(`${text}\n`);
}
