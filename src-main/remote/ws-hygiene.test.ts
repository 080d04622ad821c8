import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock';
import { makeTestCore, tempDir } from '../../test/support/test-core';
import { openRawWs, type RawWs } from '../../test/support/raw-ws';
import { startRemoteServer, type RemoteServer, type RemoteServerOptions } from './remote.server';

const renderer = tempDir('rvm-renderer-');
mkdirSync(renderer.dir, { recursive: true });
writeFileSync(join(renderer.dir, 'index.html'), '<!doctype html><title>kiosk</title>');

const open: Array<{ server: RemoteServer; dispose(): void }> = [];
afterEach(async () => {
  for (const { server, dispose } of open.splice(0)) {
    await server.close();
    dispose();
  }
});

async function serve(
  remote: Partial<RemoteServerOptions['remote']> = {},
  ws: RemoteServerOptions['ws'] = {},
  clock?: RemoteServerOptions['clock'],
): Promise<{ server: RemoteServer; env: ReturnType<typeof makeTestCore> }> {
  const env = makeTestCore();
  const server = await startRemoteServer({
    ...(clock ? { clock } : {}),
    core: env.core,
    remote: { host: '127.0.0.1', port: 0, allowCidrs: [], connectionsPerSecond: 1_000, ...remote },
    rendererDir: renderer.dir,
    logger: env.logger,
    ws,
  });
  open.push({ server, dispose: env.dispose });
  return { server, env };
}

let nextId = 1;
async function health(ws: RawWs): Promise<boolean> {
  const id = nextId++;
  ws.sendText(JSON.stringify({ type: 'call', id, channel: 'app.health' }));
  let found: { result: { ok: boolean } } | undefined;
  await expect
    .poll(() => (found = ws.messages.find((m) => (m as { id?: number }).id === id) as typeof found))
    .toBeDefined();
  return found!.result.ok;
}

const bigPreview = (seq: number) => ({
  seq,
  at: seq,
  jpeg: 'A'.repeat(512 * 1024),
  width: 320,
  height: 240,
  sourceWidth: 640,
  sourceHeight: 480,
  detections: [],
});

describe('WebSocket hygiene', () => {
  it('refuses one client over remote.maxClients with 503 and a reason; a place frees when one leaves', async () => {
    const { server } = await serve({ maxClients: 3 });
    const clients = await Promise.all([0, 1, 2].map(() => openRawWs(server.port)));
    const refused = await openRawWs(server.port);
    expect(refused.status).toContain('503');
    expect(refused.body).toContain('3 clients already connected (remote.maxClients)');
    clients[0]!.end();
    await expect.poll(() => server.connections().wsClients).toBe(2);
    const next = await openRawWs(server.port);
    expect(await health(next)).toBe(true);
  });

  it('limits new connections for all clients together (429), so reconnecting does not reset a rate; refused sockets are closed', async () => {
    const clock = new FakeClock();
    const { server } = await serve({ connectionsPerSecond: 2 }, {}, clock);
    const opened = [];
    for (let i = 0; i < 4; i++) opened.push(await openRawWs(server.port)); // a burst of 2 × 2
    const refused = await openRawWs(server.port);
    expect(refused.status).toContain('429');
    expect(refused.body).toMatch(/too many new connections; try again in 1 s/);
    clock.advance(500);
    expect((await openRawWs(server.port)).status).toContain('101');
    // Nothing is left of the refused connection (no half-open socket).
    await expect.poll(() => server.connections().sockets).toBe(5);
    for (const ws of opened) ws.end();
  });

  it('terminates a peer that stops answering pings', async () => {
    const { server } = await serve({}, { pingIntervalMs: 500 });
    const dead = await openRawWs(server.port);
    const alive = await openRawWs(server.port);
    dead.stopReading(); // reads nothing, so answers no ping
    await expect.poll(() => server.connections().wsClients, { timeout: 10_000 }).toBe(1);
    expect(await health(alive)).toBe(true);
  });

  it('disconnects a subscriber that stops reading once it stays over the buffer limit; others keep their events', async () => {
    // No ping in this test (it would also drop a client that reads nothing): only the buffer rule acts.
    const { server, env } = await serve(
      {},
      { maxBufferedBytes: 1024 * 1024, slowClientMs: 200, pingIntervalMs: 3_600_000 },
    );
    const slow = await openRawWs(server.port);
    const reader = await openRawWs(server.port);
    for (const ws of [slow, reader])
      ws.sendText(JSON.stringify({ type: 'subscribe', id: 1, channel: 'vision.preview' }));
    await expect.poll(() => slow.messages.length + reader.messages.length).toBe(2);
    slow.stopReading();
    let seq = 0;
    // Publish until the stalled one is cut off (its kernel buffers fill first, then ws's own).
    await expect
      .poll(
        () => {
          env.core.hub.publish('vision.preview', bigPreview(++seq));
          return server.connections().wsClients;
        },
        { timeout: 15_000, interval: 20 },
      )
      .toBe(1);
    expect(reader.messages.length).toBeGreaterThan(1);
    expect(await health(reader)).toBe(true);
  });

  it('200 clients come and go: the server answers through it and holds nothing of them after', async () => {
    const { server } = await serve({ maxClients: 250 });
    const clients: RawWs[] = [];
    for (let i = 0; i < 200; i++) {
      const ws = await openRawWs(server.port);
      ws.sendText(JSON.stringify({ type: 'subscribe', id: 1, channel: 'app.heartbeat' }));
      clients.push(ws);
    }
    expect(server.connections().wsClients).toBe(200);
    expect(await health(clients[199]!)).toBe(true);
    for (const ws of clients) ws.end();
    await expect.poll(() => server.connections()).toEqual({ sockets: 0, wsClients: 0 });
  });

  it('refuses calls over the rate with RATE_LIMITED and a retry hint, and serves again later', async () => {
    // The limiter's time is a fake clock: no token comes back while the 30 calls are answered.
    const clock = new FakeClock();
    const { server } = await serve({ callsPerSecond: 5 }, {}, clock);
    const ws = await openRawWs(server.port);
    for (let i = 0; i < 30; i++) ws.sendText(JSON.stringify({ type: 'call', id: 1000 + i, channel: 'app.info' }));
    await expect.poll(() => ws.messages.length).toBe(30);
    const limited = ws.messages.filter(
      (m) => (m as { result: { error?: { code: string } } }).result.error?.code === 'RATE_LIMITED',
    );
    expect(limited.length).toBe(20); // a burst of 2 × 5 went through
    expect(JSON.stringify(limited[0])).toMatch(/more than 5 calls a second; try again in 200 ms/);
    expect(await health(ws)).toBe(false);
    clock.advance(200);
    expect(await health(ws)).toBe(true);
  });
});
