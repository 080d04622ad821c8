// npm run bench:hostile — the real headless kiosk (a child process on loopback) under attack:
// malformed-frame floods, a concurrent PIN race, setup-code guessing and 200 connected clients.
// Prints numbers; asserts nothing (the fault tests in test/faults/hostile-input.test.ts do that).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startHeadless, type HeadlessKiosk } from '../support/headless-process';
import { openRawWs as openAny, type RawWs } from '../support/raw-ws';

/** A connection the server accepted: waits out its new-connection limit (429) as a client would. */
async function openRawWs(port: number): Promise<RawWs> {
  for (;;) {
    const ws = await openAny(port);
    if (!ws.status.includes(' 429 ')) return ws;
    await settle(250);
  }
}
import { technicianEnv } from '../support/technician';
import { tempDir } from '../support/test-core';

type Answer = { id: number; result: { ok: boolean; value?: unknown; error?: { code: string } } };
let nextId = 1_000_000;
async function call(ws: RawWs, channel: string, payload?: unknown): Promise<Answer['result']> {
  const id = nextId++;
  ws.sendText(JSON.stringify({ type: 'call', id, channel, ...(payload === undefined ? {} : { payload }) }));
  const answer = ws.waitFor((m) => (m as Answer)?.id === id) as Promise<Answer>;
  const closed = ws.closed.then((code) => {
    throw new Error(`the server closed the connection (${code}) before answering ${channel}`);
  });
  return (await Promise.race([answer, closed])).result;
}
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every bad frame class, over and over, each on its own connection; then malformed-call floods. */
async function frameFlood(k: HeadlessKiosk): Promise<{ frames: number; peakMb: number }> {
  const bad: Array<(ws: RawWs) => void> = [
    (ws) => ws.sendFrame(0x1, 'x', { declaredLength: 2 * 1024 * 1024 }),
    (ws) => ws.sendFrame(0x1, Buffer.from([0x7b, 0xc3, 0x28, 0xff])),
    (ws) => ws.sendFrame(0x3, '{}'),
    (ws) => ws.sendFrame(0xb, '{}'),
    (ws) => ws.sendFrame(0x1, '{}', { rsv: 4 }),
    (ws) => ws.sendFrame(0x1, '{}', { mask: false }),
    (ws) => ws.sendFrame(0x9, 'p', { fin: false }),
    (ws) => ws.sendFrame(0x1, Buffer.alloc(200 * 1024, 0x5b)),
  ];
  let frames = 0;
  let peakMb = k.rssMb();
  for (let round = 0; round < 40; round++) {
    const sockets = await Promise.all(bad.map(() => openRawWs(k.port)));
    sockets.forEach((ws, i) => bad[i]!(ws));
    frames += sockets.length;
    // Each is either closed by the server or (the big but well-formed one) answered; then it goes.
    await Promise.all(sockets.map((ws) => Promise.race([ws.closed, ws.waitFor(() => true).then(() => ws.end())])));
    peakMb = Math.max(peakMb, k.rssMb());
  }
  // Two floods of malformed calls on 8 connections (each is rate-limited and closed 1008).
  for (let flood = 0; flood < 2; flood++) {
    const sockets = await Promise.all(Array.from({ length: 8 }, () => openRawWs(k.port)));
    for (const ws of sockets) {
      for (let i = 0; i < 2_000; i++) ws.sendText(`{"type":"call","id":${i},"channel":${'['.repeat(i % 50)}`);
      frames += 2_000;
    }
    await Promise.all(sockets.map((ws) => ws.closed));
    peakMb = Math.max(peakMb, k.rssMb());
  }
  return { frames, peakMb };
}

async function pinRace(): Promise<{ compared: number; answers: Record<string, number> }> {
  const dir = tempDir('rvm-bench-pin-');
  const k = await startHeadless(technicianEnv(), { dir: dir.dir });
  try {
    const sockets = await Promise.all([0, 1, 2, 3].map(() => openRawWs(k.port)));
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => call(sockets[i % 4]!, 'maintenance.unlock', { pin: '000000' })),
    );
    const answers: Record<string, number> = {};
    for (const r of results) {
      const reason = (r.value as { reason: string }).reason;
      answers[reason] = (answers[reason] ?? 0) + 1;
    }
    const db = new Database(join(dir.dir, 'rvm.db'), { readonly: true });
    const compared = db
      .prepare(
        `SELECT count(*) FROM audit_log WHERE action = 'maintenance.unlock' AND result LIKE 'refused: wrong PIN%'`,
      )
      .pluck()
      .get() as number;
    db.close();
    sockets.forEach((ws) => ws.end());
    return { compared, answers };
  } finally {
    await k.stop();
    dir.cleanup();
  }
}

async function setupGuessing(seconds: number): Promise<{ checkedPerS: number; triedPerS: number }> {
  const k = await startHeadless({ RVM_SETUP__ENABLED: 'true' });
  try {
    const sockets = await Promise.all(Array.from({ length: 8 }, () => openRawWs(k.port)));
    const end = Date.now() + seconds * 1000;
    let checked = 0;
    let tried = 0;
    await Promise.all(
      sockets.map(async (ws, n) => {
        // Each connection just under the per-client call rate (50/s), as a careful attacker would.
        for (let g = n; Date.now() < end; g += 8) {
          const sent = Date.now();
          const r = await call(ws, 'setup.unlock', { code: String(g).padStart(8, '0') });
          await settle(Math.max(0, 25 - (Date.now() - sent)));
          tried++;
          if (r.error?.code !== 'RATE_LIMITED') checked++;
        }
      }),
    );
    return { checkedPerS: checked / seconds, triedPerS: tried / seconds };
  } finally {
    await k.stop();
  }
}

async function manyClients(k: HeadlessKiosk, count: number): Promise<{ p50: number; p95: number; peakMb: number }> {
  const clients: RawWs[] = [];
  for (let i = 0; i < count; i++) {
    const ws = await openRawWs(k.port);
    ws.sendText(JSON.stringify({ type: 'subscribe', id: 1, channel: 'app.heartbeat' }));
    // Half of them stop reading: slow consumers the server must not wait for.
    if (i % 2 === 1) ws.stopReading();
    clients.push(ws);
  }
  const probe = await openRawWs(k.port);
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const start = performance.now();
    await call(probe, 'app.health');
    times.push(performance.now() - start);
  }
  const peakMb = k.rssMb();
  for (const ws of [...clients, probe]) ws.end();
  return { p50: pct(times, 50), p95: pct(times, 95), peakMb };
}

/** The kiosk's own V8 heap in use, from its /metrics (loopback needs no token). */
async function heapMb(k: HeadlessKiosk): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${k.port}/metrics`)).text();
  return Number(/^rvm_nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1] ?? NaN) / 1024 / 1024;
}
const mb = (n: number) => `${n.toFixed(0)} MB`;

const k = await startHeadless({ RVM_REMOTE__MAX_CLIENTS: '250', RVM_HEARTBEAT__INTERVAL_MS: '250' });
try {
  await settle(1_000);
  const base = { rss: k.rssMb(), heap: await heapMb(k) };
  let frames = 0;
  for (let pass = 1; pass <= 2; pass++) {
    const started = Date.now();
    const flood = await frameFlood(k);
    frames += flood.frames;
    // The server gives memory back after 5 quiet seconds (src-main/remote/memory-relief.ts).
    await settle(7_000);
    console.log(
      `malformed-frame flood ${pass}: ${flood.frames} frames; RSS before ${mb(base.rss)}, peak ${mb(flood.peakMb)}, after ${mb(k.rssMb())}; V8 heap used before ${mb(base.heap)}, after ${mb(await heapMb(k))} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  const alive = k.alive() && (await call(await openRawWs(k.port), 'app.health')).ok;
  console.log(`frames tried: ${frames}; server alive and answering afterwards: ${alive ? 'yes' : 'NO'}`);
  const crowd = await manyClients(k, 200);
  await settle(7_000);
  console.log(
    `app.health with 200 subscribed clients (half not reading): p50 ${crowd.p50.toFixed(1)} ms, p95 ${crowd.p95.toFixed(1)} ms`,
  );
  console.log(
    `200 clients: RSS peak ${mb(crowd.peakMb)}, after they left ${mb(k.rssMb())}; V8 heap used after ${mb(await heapMb(k))}`,
  );
  console.log(`server still alive at the end: ${k.alive() ? 'yes' : 'NO'}`);
} finally {
  await k.stop();
}
const race = await pinRace();
console.log(
  `40 concurrent wrong PINs over 4 connections: ${race.compared} hash comparisons (limit 5); answers ${JSON.stringify(race.answers)}`,
);
const guessing = await setupGuessing(10);
console.log(
  `setup-code guessing, 8 connections for 10 s: ${guessing.checkedPerS.toFixed(1)} checked guesses/s (${guessing.triedPerS.toFixed(0)} tried/s, the rest refused RATE_LIMITED)`,
);
