import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCore, tempDir } from '../../test/support/test-core';
import { serveTestCore } from '../../test/support/test-server';
import { closeVoucherSession } from '../../test/support/voucher-session';
import { systemClock } from '../kernel/clock';
import { RefusalLog } from '../kernel/refusal-log';
import type { RemoteServer } from './remote.server';
import { createTillRoutes, type TillOptions } from './till.routes';

const TILL_TOKEN = 't'.repeat(40);
const MAINTENANCE_TOKEN = 'm'.repeat(40);
const site = tempDir('rvm-till-site-');

/** A voucher session of `points` closed in the core's real store; its voucher. */
function issueVoucher(env: ReturnType<typeof makeTestCore>, id: string, points: number) {
  return closeVoucherSession(env.core.store.repos!.sessions, id, points, env.core.payout.issueVoucher!)!;
}

function post(port: number, path: string, body: string, headers: Record<string, string> = {}, method = 'POST') {
  return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: { 'Content-Type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('till endpoint on the kiosk (loopback)', () => {
  const env = makeTestCore({ RVM_MACHINE__ID: 'RVM-09' });
  let server: RemoteServer;
  beforeAll(async () => {
    server = await serveTestCore(env, site.dir);
  });
  afterAll(async () => {
    await server.close();
    env.dispose();
  });

  it('checks and redeems a voucher once; the second redemption is refused with who redeemed it', async () => {
    const voucher = issueVoucher(env, 'S1', 25);
    const body = JSON.stringify({ code: voucher.payload, till: 'till 2' });
    expect(await post(server.port, '/till/v1/vouchers/check', body)).toMatchObject({
      status: 200,
      json: { ok: true, status: 'valid', voucher: { points: 25, number: voucher.number } },
    });
    const first = await post(server.port, '/till/v1/vouchers/redeem', body);
    expect(first).toMatchObject({
      status: 200,
      json: { ok: true, voucher: { redeemedBy: expect.stringMatching(/^till till 2 \(/) } },
    });
    const second = await post(server.port, '/till/v1/vouchers/redeem', JSON.stringify({ code: voucher.number }));
    expect(second).toMatchObject({ status: 200, json: { ok: false, status: 'redeemed' } });
    const audit = env.core.store.repos!.audit.list(5);
    expect(audit.map((a) => a.result)).toEqual([expect.stringMatching(/^refused: already redeemed/), 'ok']);
  });

  it('answers bad requests with a status and a reason, and never crashes', async () => {
    const port = server.port;
    expect(await post(port, '/till/v1/vouchers/redeem', '{nope')).toMatchObject({
      status: 400,
      json: { error: /not JSON/ },
    });
    expect(await post(port, '/till/v1/vouchers/redeem', '{"code": 5}')).toMatchObject({ status: 400 });
    expect(await post(port, '/till/v1/vouchers/redeem', '{"code":"x","till":"<script>"}')).toMatchObject({
      status: 400,
    });
    expect(await post(port, '/till/v1/vouchers/redeem', JSON.stringify({ code: 'x'.repeat(9000) }))).toMatchObject({
      status: 413,
    });
    expect(await post(port, '/till/v1/vouchers/check', '', {}, 'GET')).toMatchObject({ status: 405 });
    expect(await post(port, '/till/v1/other', '{}')).toMatchObject({ status: 404 });
    expect(await post(port, '/till/v1/vouchers/check', '{"code":"RVM2.a.b"}')).toMatchObject({
      status: 200,
      json: { ok: false, status: 'malformed' },
    });
  });
});

describe('till access from the shop LAN', () => {
  const env = makeTestCore({ RVM_MACHINE__ID: 'RVM-09' });
  const servers: Server[] = [];
  afterAll(() => {
    servers.forEach((s) => s.close());
    env.dispose();
  });

  /** The till routes as a kiosk bound beyond loopback applies them (here served on 127.0.0.1). */
  async function tillServer(till: TillOptions['till']): Promise<number> {
    const routes = createTillRoutes({
      host: '0.0.0.0',
      till,
      desk: () => env.core.payout.desk,
      clock: systemClock,
      refusals: new RefusalLog(env.logger, systemClock),
    });
    const s = createServer((req, res) => routes(req, res, new URL(req.url ?? '/', 'http://x').pathname));
    servers.push(s);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return (s.address() as AddressInfo).port;
  }

  it('needs the till token from an allowed address; the maintenance token does not open it', async () => {
    const voucher = issueVoucher(env, 'L1', 10);
    const body = JSON.stringify({ code: voucher.payload });
    const off = await tillServer({ allowCidrs: ['127.0.0.1/32'] });
    expect(await post(off, '/till/v1/vouchers/check', body)).toMatchObject({
      status: 401,
      json: { error: /till access is off/ },
    });

    const port = await tillServer({ token: TILL_TOKEN, allowCidrs: ['127.0.0.1/32'] });
    expect((await post(port, '/till/v1/vouchers/check', body)).status).toBe(401);
    const withMaintenance = { Authorization: `Bearer ${MAINTENANCE_TOKEN}` };
    expect((await post(port, '/till/v1/vouchers/check', body, withMaintenance)).status).toBe(401);
    const withTill = { Authorization: `Bearer ${TILL_TOKEN}` };
    expect(await post(port, '/till/v1/vouchers/check', body, withTill)).toMatchObject({
      status: 200,
      json: { ok: true },
    });

    const elsewhere = await tillServer({ token: TILL_TOKEN, allowCidrs: ['10.20.0.0/16'] });
    expect(await post(elsewhere, '/till/v1/vouchers/redeem', body, withTill)).toMatchObject({
      status: 403,
      json: { error: /outside/ },
    });
    expect(env.core.store.repos!.vouchers.byNumber(voucher.number)!.redeemedAt).toBeNull();
  });
});
