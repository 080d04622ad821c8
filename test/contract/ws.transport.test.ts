// Lives in test/ because it joins two layers: main's server and the renderer's client.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi, contract } from '../../src-preload/contract';
import { createWsTransport } from '../../src-renderer/transport/ws-transport';
import { describeContractTransport } from '../support/transport-suite';
import { makeTestCore, tempDir } from '../support/test-core';
import type { RemoteServer } from '../../src-main/remote/remote.server';
import { serveTestCore } from '../support/test-server';

const rendererDir = tempDir('rvm-renderer-');
mkdirSync(rendererDir.dir, { recursive: true });
writeFileSync(join(rendererDir.dir, 'index.html'), '<!doctype html><title>kiosk</title>');

describeContractTransport('WebSocket (real server on 127.0.0.1, renderer client)', async ({ core, logger }) => {
  const server = await serveTestCore({ core, logger }, rendererDir.dir);
  const ws = createWsTransport(`ws://127.0.0.1:${server.port}/ws`);
  return {
    api: buildApi(contract, ws),
    close: async () => {
      ws.close();
      await server.close();
    },
  };
});

/** Opens a raw socket and collects every message, to send what no well-behaved client would. */
async function rawSocket(port: number) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const received: unknown[] = [];
  socket.onmessage = (event) => received.push(JSON.parse(String(event.data)));
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  return { socket, received };
}

describe('WebSocket transport with malformed frames', () => {
  const env = makeTestCore();
  let server: RemoteServer;
  beforeAll(async () => {
    server = await serveTestCore(env, rendererDir.dir);
  });
  afterAll(async () => {
    await server.close();
    env.dispose();
    rendererDir.cleanup();
  });

  it('answers garbage with BAD_REQUEST and keeps the socket and server working', async () => {
    const { socket, received } = await rawSocket(server.port);
    socket.send('{not json');
    socket.send(JSON.stringify({ type: 'call', id: 'seven', channel: 'app.info' }));
    socket.send(JSON.stringify({ type: 'call', id: 8, channel: 'app.nope' }));
    socket.send(JSON.stringify({ type: 'subscribe', id: 9, channel: 'app.info' }));
    socket.send(JSON.stringify({ type: 'call', id: 10, channel: 'app.info', payload: [1, 2, 3] }));
    socket.send(JSON.stringify({ type: 'call', id: 11, channel: 'app.info' }));
    await expect.poll(() => received.length).toBe(6);
    // Answers are asynchronous: compare as a set, matched by id.
    expect(received).toEqual(
      expect.arrayContaining([
        { type: 'result', id: null, result: { ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) } },
        { type: 'result', id: null, result: { ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) } },
        { type: 'result', id: 8, result: { ok: false, error: expect.objectContaining({ code: 'UNKNOWN_CHANNEL' }) } },
        { type: 'result', id: 9, result: { ok: false, error: expect.objectContaining({ code: 'UNKNOWN_CHANNEL' }) } },
        { type: 'result', id: 10, result: { ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) } },
        { type: 'result', id: 11, result: expect.objectContaining({ ok: true }) },
      ]),
    );
    socket.close();
  });

  it('client calls fail with UNAVAILABLE, not a hang, when the kiosk goes away', async () => {
    const other = makeTestCore();
    const doomed = await serveTestCore(other, rendererDir.dir);
    const ws = createWsTransport(`ws://127.0.0.1:${doomed.port}/ws`);
    const api = buildApi(contract, ws);
    expect((await api.app.info()).ok).toBe(true);
    await doomed.close();
    await expect.poll(() => ws.state).not.toBe('open');
    const result = await api.app.info();
    expect(result).toMatchObject({ ok: false });
    ws.close();
    other.dispose();
  });
});
