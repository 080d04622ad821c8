// The public kiosk under attack from this machine (loopback): every test runs against the real
// headless server process (dist/main/headless.js) and checks that it lives and answers afterwards.
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SETUP_CODE_THROTTLE } from '../../src-main/setup/setup.service';
import { startHeadless, type HeadlessKiosk } from '../support/headless-process';
import { openRawWs, type RawWs } from '../support/raw-ws';
import { TECHNICIAN, technicianEnv } from '../support/technician';
import { tempDir } from '../support/test-core';

const running: HeadlessKiosk[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((k) => k.stop()));
});
async function kiosk(env: NodeJS.ProcessEnv = {}, options: { dir?: string } = {}) {
  const k = await startHeadless(env, options);
  running.push(k);
  return k;
}

type Answer = {
  type: 'result';
  id: number | null;
  result: { ok: boolean; value?: unknown; error?: { code: string; message: string } };
};
// Far above the ids the fuzzer's own frames use.
let nextId = 1_000_000;
/** A contract call over a raw socket; resolves with the result the server sent for its id. */
async function call(ws: RawWs, channel: string, payload?: unknown): Promise<Answer['result']> {
  const id = nextId++;
  ws.sendText(JSON.stringify({ type: 'call', id, channel, ...(payload === undefined ? {} : { payload }) }));
  const answer = (await ws.waitFor((m) => (m as Answer)?.id === id)) as Answer;
  return answer.result;
}

/** The server answers a fresh, well-behaved client: it is alive and serving. */
async function answers(k: HeadlessKiosk): Promise<void> {
  expect(k.alive()).toBe(true);
  const ws = await openRawWs(k.port);
  expect(ws.status).toContain('101');
  expect(await call(ws, 'app.health')).toMatchObject({ ok: true });
  ws.end();
}

function httpGet(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', headers, setHost: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hostile WebSocket frames', () => {
  it('closes each bad socket with the right code and keeps serving everyone else (bounded fuzzer)', async () => {
    const k = await kiosk();
    const bystander = await openRawWs(k.port);
    const cases: Array<{ name: string; code: number | undefined; send(ws: RawWs): void }> = [
      // maxPayload is 256 KB: a header that declares 2 MB is refused before the body comes.
      { name: 'oversized', code: 1009, send: (ws) => ws.sendFrame(0x1, 'x', { declaredLength: 2 * 1024 * 1024 }) },
      { name: 'invalid UTF-8', code: 1007, send: (ws) => ws.sendFrame(0x1, Buffer.from([0x7b, 0xc3, 0x28, 0xff])) },
      ...[3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map((opcode) => ({
        name: `reserved opcode ${opcode}`,
        code: 1002,
        send: (ws: RawWs) => ws.sendFrame(opcode, '{}'),
      })),
      { name: 'RSV bits', code: 1002, send: (ws) => ws.sendFrame(0x1, '{}', { rsv: 2 }) },
      { name: 'unmasked client frame', code: 1002, send: (ws) => ws.sendFrame(0x1, '{}', { mask: false }) },
      { name: 'fragmented ping', code: 1002, send: (ws) => ws.sendFrame(0x9, 'p', { fin: false }) },
      { name: 'continuation first', code: 1002, send: (ws) => ws.sendFrame(0x0, '{}') },
      { name: 'bad close code', code: 1002, send: (ws) => ws.sendFrame(0x8, Buffer.from([0x03, 0xe7])) },
    ];
    for (const c of cases) {
      const ws = await openRawWs(k.port);
      c.send(ws);
      expect({ name: c.name, code: await ws.closed }).toEqual({ name: c.name, code: c.code });
    }
    // Messages that are frames all right but no call: each answered with a code and a message.
    const ws = await openRawWs(k.port);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const garbage = [
      deep,
      `{"type":"call","id":1,"channel":"app.info","payload":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
      '{"type":"call","id":1e400,"channel":"app.info"}',
      '{"__proto__":{"polluted":1},"type":"call","id":2,"channel":"app.info"}',
      '\u0000\u0001',
      'null',
    ];
    for (const text of garbage) ws.sendText(text);
    ws.sendFrame(0x2, Buffer.from([1, 2, 3]));
    await expect.poll(() => ws.messages.length, { timeout: 15_000 }).toBe(garbage.length + 1);
    for (const m of ws.messages) {
      const { result } = m as Answer;
      if (!result.ok) expect(result.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
    expect(ws.messages.filter((m) => !(m as Answer).result.ok).length).toBeGreaterThanOrEqual(garbage.length);
    // The connection that sent them still works, and so does the one that watched.
    expect(await call(ws, 'app.health')).toMatchObject({ ok: true });
    expect(await call(bystander, 'app.health')).toMatchObject({ ok: true });
    await answers(k);
    // Refusals are counted in the log, not written one line each.
    expect(k.output().match(/closed a WebSocket client for a bad frame/g)?.length ?? 0).toBeLessThan(4);
  });

  it('a flood of malformed calls is answered, then rate-limited, then closed 1008; the server lives', async () => {
    const k = await kiosk();
    const ws = await openRawWs(k.port);
    for (let i = 0; i < 10_000; i++) ws.sendText(`{"type":"call","id":${i},"channel":`);
    expect(await ws.closed).toBe(1008);
    const codes = new Set(ws.messages.map((m) => (m as Answer).result.error?.code));
    expect(codes).toEqual(new Set(['BAD_REQUEST', 'RATE_LIMITED']));
    await answers(k);
  });
});

describe('the PIN pad under a concurrent attack', () => {
  it('40 wrong PINs at once over 4 connections make at most 5 hash comparisons; the lock survives monitor.db', async () => {
    const dir = tempDir('rvm-pin-race-');
    try {
      const env = technicianEnv();
      const k = await kiosk(env, { dir: dir.dir });
      const sockets = await Promise.all([0, 1, 2, 3].map(() => openRawWs(k.port)));
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => call(sockets[i % 4]!, 'maintenance.unlock', { pin: '000000' })),
      );
      const reasons = results.map((r) => (r.value as { reason: string }).reason);
      expect(reasons.every((r) => r === 'wrong_pin' || r === 'locked')).toBe(true);
      const db = new Database(join(dir.dir, 'rvm.db'), { readonly: true });
      const compared = db
        .prepare(
          `SELECT count(*) FROM audit_log WHERE action = 'maintenance.unlock' AND result LIKE 'refused: wrong PIN%'`,
        )
        .pluck()
        .get();
      db.close();
      expect(compared).toBe(5);
      // The right PIN is refused too while the pad is locked.
      expect(await call(sockets[0]!, 'maintenance.unlock', { pin: TECHNICIAN.pin })).toMatchObject({
        value: { granted: false, reason: 'locked' },
      });
      await k.stop();
      running.splice(running.indexOf(k), 1);
      // Deleting the metrics file does not reopen the pad: the lock is with the machine's own data.
      rmSync(join(dir.dir, 'monitor.db'), { force: true });
      const again = await kiosk(env, { dir: dir.dir });
      const ws = await openRawWs(again.port);
      expect(await call(ws, 'maintenance.pad')).toMatchObject({
        value: { remainingAttempts: 0, lockedUntil: expect.any(Number) },
      });
    } finally {
      dir.cleanup();
    }
  });
});

describe('DNS rebinding', () => {
  it('a foreign Host is refused 421 on HTTP and WebSocket before any handler; loopback names work', async () => {
    const k = await kiosk();
    const evil = `evil.example:${k.port}`;
    expect(await httpGet(k.port, { Host: evil })).toMatchObject({ status: 421 });
    const rebound = await openRawWs(k.port, { host: evil, origin: `http://${evil}` });
    expect(rebound.status).toContain('421');
    expect(rebound.body).toContain('evil.example');
    // A foreign page on our Host (CSWSH) stays refused.
    const foreign = await openRawWs(k.port, { origin: 'http://evil.example' });
    expect(foreign.status).toContain('403');
    for (const host of [`127.0.0.1:${k.port}`, `localhost:${k.port}`, `[::1]:${k.port}`, `127.1.2.3:${k.port}`]) {
      expect({ host, status: (await httpGet(k.port, { Host: host })).status }).toEqual({ host, status: 200 });
    }
    const ours = await openRawWs(k.port, { host: `localhost:${k.port}`, origin: `http://localhost:${k.port}` });
    expect(await call(ours, 'app.health')).toMatchObject({ ok: true });
    await answers(k);
  });

  it('a configured host name is served', async () => {
    const k = await kiosk({ RVM_REMOTE__HOST_NAMES: '["rvm-01.vpn.example"]' });
    expect(await httpGet(k.port, { Host: `rvm-01.vpn.example:${k.port}` })).toMatchObject({ status: 200 });
    expect(await httpGet(k.port, { Host: `rvm-02.vpn.example:${k.port}` })).toMatchObject({ status: 421 });
  });
});

describe('the setup code under a brute-force attack', () => {
  it('guesses are throttled, cannot rotate the code away, and are logged as counts', async () => {
    const k = await kiosk({ RVM_SETUP__ENABLED: 'true' });
    const printed = () => [...k.output().matchAll(/setup code (\d{4}) (\d{4})/g)].map((m) => `${m[1]}${m[2]}`);
    await expect.poll(printed).toHaveLength(1);
    const [code] = printed();
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const sockets = await Promise.all(Array.from({ length: 8 }, () => openRawWs(k.port)));
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) => call(sockets[i % 8]!, 'setup.unlock', { code: wrong })),
    );
    const checked = results.filter((r) => r.error?.code === 'FORBIDDEN').length;
    const throttled = results.filter((r) => r.error?.code === 'RATE_LIMITED').length;
    expect(checked + throttled).toBe(400);
    // The burst, plus what refilled while the attack ran (a few seconds at most on a busy machine).
    expect(checked).toBeLessThanOrEqual(SETUP_CODE_THROTTLE.globalBurst + 3);
    expect(results.find((r) => r.error?.code === 'RATE_LIMITED')?.error?.message).toMatch(/wait \d+ s/);
    // The code was not rotated, and the log holds counts rather than 400 lines.
    expect(printed()).toEqual([code]);
    expect(k.output().match(/wrong setup code/g)?.length ?? 0).toBeLessThanOrEqual(2);
    // Once the attack stops, the installer's real code works (after the global throttle refills).
    const installer = await openRawWs(k.port);
    await expect
      .poll(async () => (await call(installer, 'setup.unlock', { code })).ok, { timeout: 30_000, interval: 1_000 })
      .toBe(true);
    await answers(k);
  });
});
