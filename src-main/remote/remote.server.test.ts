import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCore, tempDir } from '../../test/support/test-core';
import { createAccessPolicy } from './access-policy';
import { serveTestCore } from '../../test/support/test-server';
import { startRemoteServer, type RemoteServer } from './remote.server';

const TOKEN = 'k'.repeat(48);
const site = tempDir('rvm-site-');
mkdirSync(join(site.dir, 'renderer'));
writeFileSync(join(site.dir, 'renderer', 'index.html'), '<!doctype html><title>kiosk</title>');
writeFileSync(join(site.dir, 'private.txt'), 'not for you');
const rendererDir = join(site.dir, 'renderer');

// A real self-signed certificate for 127.0.0.1 (openssl), trusted by the test clients as their CA.
const CERT = join(site.dir, 'kiosk.crt');
const KEY = join(site.dir, 'kiosk.key');
execFileSync('openssl', [
  'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
  '-subj', '/CN=rvm-kiosk-test', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', KEY, '-out', CERT,
], { stdio: 'ignore' }); // prettier-ignore
const TLS = { ca: readFileSync(CERT) };

type RequestOptions = Parameters<typeof httpRequest>[1] & { tls?: { ca: Buffer } | undefined };

/** An HTTP request, or HTTPS trusting the test CA when `tls` is given. */
const request = ({ tls, ...options }: RequestOptions, onResponse?: (res: IncomingMessage) => void) =>
  tls ? httpsRequest({ ...options, ca: tls.ca }, onResponse) : httpRequest(options, onResponse);

/** What the test core's logger wrote (warnings and up). */
const logText = (dir: string) =>
  readdirSync(join(dir, 'logs'))
    .map((f) => readFileSync(join(dir, 'logs', f), 'utf8'))
    .join('');

/** A raw HTTP request, so paths reach the server exactly as written (no client normalisation). */
function get(port: number, path: string, headers: Record<string, string> = {}, tls?: { ca: Buffer }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, tls }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function wsOpens(port: number, headers: Record<string, string> = {}, tls?: { ca: Buffer }): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({
      tls,
      host: '127.0.0.1',
      port,
      path: '/ws',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(true);
    });
    req.on('response', () => resolve(false));
    req.on('error', () => resolve(false));
    req.end();
  });
}

describe('remote server on loopback (default)', () => {
  const env = makeTestCore();
  let server: RemoteServer;
  beforeAll(async () => {
    server = await serveTestCore(env, rendererDir);
  });
  afterAll(async () => {
    await server.close();
    env.dispose();
  });

  it('binds to 127.0.0.1 and serves the renderer with the CSP', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await get(server.port, '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>kiosk</title>');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('does not let a path leave the renderer folder', async () => {
    for (const path of ['/../private.txt', '/%2e%2e/private.txt', '/..%2fprivate.txt']) {
      const res = await get(server.port, path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('not for you');
    }
  });

  it('answers /healthz and refuses other methods', async () => {
    const res = await get(server.port, '/healthz');
    expect(JSON.parse(res.body)).toEqual({ status: expect.stringMatching(/ok|degraded/) });
    const post = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/', method: 'POST' }, (r) =>
        resolve(r.statusCode ?? 0),
      );
      req.end('x');
    });
    expect(post).toBe(405);
  });

  it('refuses a WebSocket opened by a page of another origin', async () => {
    expect(await wsOpens(server.port, { Origin: 'http://evil.example' })).toBe(false);
    expect(await wsOpens(server.port, { Origin: `http://127.0.0.1:${server.port}` })).toBe(true);
  });
});

describe('remote server bound beyond loopback (TLS)', () => {
  const env = makeTestCore({ RVM_REMOTE__TOKEN: TOKEN });
  let server: RemoteServer;
  // Bound to all interfaces, as an operator would for a VPN; only loopback is in the allow-list.
  beforeAll(async () => {
    server = await serveTestCore(env, rendererDir, {
      host: '0.0.0.0',
      port: 0,
      token: TOKEN,
      allowCidrs: ['127.0.0.1/32'],
      tls: { certFile: CERT, keyFile: KEY },
    });
  });
  const sget = (path: string, headers: Record<string, string> = {}) => get(server.port, path, headers, TLS);
  afterAll(async () => {
    await server.close();
    env.dispose();
  });

  it('requires the bearer token for pages and the WebSocket', async () => {
    expect((await sget('/')).status).toBe(401);
    expect((await sget('/', { Authorization: `Bearer ${'x'.repeat(48)}` })).status).toBe(401);
    expect((await sget('/', { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect(await wsOpens(server.port, {}, TLS)).toBe(false);
    expect(await wsOpens(server.port, { Authorization: `Bearer ${TOKEN}` }, TLS)).toBe(true);
  });

  it('turns a one-time ?token= into an HttpOnly cookie and drops it from the URL', async () => {
    const res = await sget(`/?token=${TOKEN}&lang=en`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/?lang=en');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/; Secure/);
    const page = await sget('/', { Cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect((await sget('/?token=wrong')).status).toBe(401);
  });

  it('speaks only TLS: a plain HTTP request is refused, and the refusal is logged', async () => {
    expect(server.url).toMatch(/^https:\/\//);
    await expect(get(server.port, '/healthz')).rejects.toThrow(/socket hang up|ECONNRESET/);
    await expect(get(server.port, '/', { Authorization: `Bearer ${TOKEN}` })).rejects.toThrow();
    expect(await wsOpens(server.port, { Authorization: `Bearer ${TOKEN}` })).toBe(false);
    expect(logText(env.dir)).toMatch(/refused a connection from (::ffff:)?127\.0\.0\.1: not TLS/);
  });

  it('logs refused requests with address and reason (the first of a burst in full, then counts)', async () => {
    expect((await sget('/metrics', { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect(logText(env.dir)).toMatch(
      /refused HTTP \(401\): GET \S+ from (::ffff:)?127\.0\.0\.1: missing or wrong bearer token/,
    );
    expect(logText(env.dir)).not.toMatch(/Cannot write headers/);
  });

  it('answers /healthz to allowed addresses without the token', async () => {
    expect((await sget('/healthz')).status).toBe(200);
  });

  it('serves Prometheus text at /metrics only with the token', async () => {
    await env.core.monitor.sampleNow();
    expect((await sget('/metrics')).status).toBe(401);
    const res = await sget('/metrics', { Authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    // The test core's fixed vitals, this machine's id as a label, alerts and health.
    expect(res.body).toMatch(/^rvm_cpu_percent\{machine_id="RVM"\} 12$/m);
    expect(res.body).toMatch(/^rvm_memory_percent\{machine_id="RVM"\} 34$/m);
    expect(res.body).toMatch(/^rvm_alerts_active\{severity="critical",machine_id="RVM"\} 0$/m);
    expect(res.body).toMatch(/^rvm_health_status\{machine_id="RVM"\} [01]$/m);
    expect(res.body).toMatch(/^rvm_info\{machine="RVM-TEST-01",version="[\d.]+",machine_id="RVM"\} 1$/m);
    // Not measurable here (no temperature sensor in the test core): absent, not 0.
    expect(res.body).not.toMatch(/^rvm_cpu_temperature_celsius\{/m);
    expect(res.body).toContain('rvm_process_cpu_user_seconds_total{machine_id=');
  });
});

describe('remote server with an allow-list that does not hold the caller', () => {
  const env = makeTestCore({ RVM_REMOTE__TOKEN: TOKEN });
  let server: RemoteServer;
  beforeAll(async () => {
    server = await serveTestCore(env, rendererDir, {
      host: '0.0.0.0',
      port: 0,
      token: TOKEN,
      allowCidrs: ['10.99.0.0/24'],
      tls: { certFile: CERT, keyFile: KEY },
    });
  });
  afterAll(async () => {
    await server.close();
    env.dispose();
  });

  it('refuses a caller outside remote.allowCidrs even with the right token, /healthz included', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect((await get(server.port, '/', auth, TLS)).status).toBe(403);
    expect((await get(server.port, '/healthz', {}, TLS)).status).toBe(403);
    expect(await wsOpens(server.port, auth, TLS)).toBe(false);
    expect(logText(env.dir)).toMatch(
      /refused HTTP \(403\): GET \/ from (::ffff:)?127\.0\.0\.1: address .* is outside remote\.allowCidrs/,
    );
  });
});

describe('remote server TLS files', () => {
  const env = makeTestCore();
  afterAll(() => {
    env.dispose();
    site.cleanup();
  });
  const start = (tls: { certFile: string; keyFile: string }) =>
    startRemoteServer({
      core: env.core,
      remote: { host: '127.0.0.1', port: 0, allowCidrs: [], tls },
      rendererDir,
      logger: env.logger,
    });

  it("refuses to start with a missing file or a key that is not the certificate's, naming the file", async () => {
    await expect(start({ certFile: join(site.dir, 'missing.crt'), keyFile: KEY })).rejects.toThrow(
      /cannot read remote\.tls\.certFile .*missing\.crt \(ENOENT\)/,
    );
    const otherKey = join(site.dir, 'other.key');
    execFileSync('openssl', [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-out',
      otherKey,
    ]);
    await expect(start({ certFile: CERT, keyFile: otherKey })).rejects.toThrow(
      /remote\.tls: .*kiosk\.crt and .*other\.key are not a PEM certificate and its private key/,
    );
  });
});

describe('access policy', () => {
  const policy = createAccessPolicy({ host: '0.0.0.0', token: TOKEN, allowCidrs: ['10.8.0.0/24', 'fd00::/64'] });
  const req = (remoteAddress: string, authorization?: string) =>
    ({ socket: { remoteAddress }, headers: authorization ? { authorization } : {} }) as never;

  it('refuses addresses outside the allow-list even with the right token', () => {
    expect(policy.check(req('10.8.1.5', `Bearer ${TOKEN}`))).toMatchObject({ ok: false, status: 403 });
    expect(policy.check(req('127.0.0.1', `Bearer ${TOKEN}`))).toMatchObject({ ok: false, status: 403 });
  });

  it('accepts allowed addresses (IPv4, IPv4-mapped IPv6, IPv6) with the token only', () => {
    expect(policy.check(req('10.8.0.9', `Bearer ${TOKEN}`))).toEqual({ ok: true });
    expect(policy.check(req('::ffff:10.8.0.9', `Bearer ${TOKEN}`))).toEqual({ ok: true });
    expect(policy.check(req('fd00::1', `Bearer ${TOKEN}`))).toEqual({ ok: true });
    expect(policy.check(req('10.8.0.9'))).toMatchObject({ ok: false, status: 401 });
  });
});
