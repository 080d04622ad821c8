import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ItemResult, ItemVerdict } from '../../src-preload/contract';
import { FakeClock } from '../../test/support/fake-clock';
import { tempDir } from '../../test/support/test-core';
import { ConfigSchema } from '../config/config.schema';
import { EventHub } from '../kernel/event-hub';
import { SimulatedHardware, type HardwareHealth } from '../hardware/hardware';
import { createLogger } from '../log/logger';
import { openStore, type Db } from '../store/database';
import { OutboxRepo } from '../store/outbox.repo';
import { SessionRepo } from '../store/session.repo';
import { DepositService, type DepositDeps } from './deposit.service';
import { VoucherRepo } from '../store/voucher.repo';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const dirs: Array<{ cleanup(): void }> = [];
const dbs: Db[] = [];
afterEach(() => {
  dbs.splice(0).forEach((db) => db.close());
  dirs.splice(0).forEach((d) => d.cleanup());
});

function setup(overrides: Partial<DepositDeps> = {}, configPatch: object = {}, path?: string) {
  const t = tempDir('rvm-deposit-');
  dirs.push(t);
  const { db } = openStore(path ?? join(t.dir, 'rvm.db'));
  dbs.push(db);
  const config = ConfigSchema.parse({ deposit: { barcodePoints: { '8991002101234': 25 } }, ...configPatch });
  const clock = new FakeClock();
  const hub = new EventHub(logger);
  const hardware = new SimulatedHardware(10);
  const outbox = new OutboxRepo(db);
  const vouchers = new VoucherRepo(db);
  const moneyOf = (points: number) => ({ amount: points * 10, currency: 'IDR' });
  const service = new DepositService({
    sessions: new SessionRepo(db, outbox, vouchers),
    hardware,
    hub,
    clock,
    logger,
    deposit: config.deposit,
    binFullPercent: config.hardware.binFullPercent,
    // The payout's signer, as a port: the deposit flow hands it the session's final points.
    issueVoucher: (points: number, at: number) =>
      points > 0
        ? {
            id: 'RVM01-1234567890128',
            number: '1234567890128',
            payload: `SIGNED.${points}`,
            value: moneyOf(points),
            expiresAt: at + 1000,
          }
        : null,
    moneyOf,
    platformOnline: () => true,
    ...overrides,
  });
  service.recover();
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  return { db, service, clock, hub, hardware, outbox, count, path: join(t.dir, 'rvm.db') };
}

const pet = (extra: Partial<ItemVerdict> = {}): ItemVerdict => ({
  className: 'mineral',
  material: 'pet',
  confidence: 0.93,
  accepted: true,
  reason: null,
  box: [10, 10, 200, 120],
  ...extra,
});

async function insert(s: ReturnType<typeof setup>, verdict: ItemVerdict): Promise<ItemResult> {
  const result = await s.service.acceptVerdict(verdict);
  s.service.chamberCleared();
  return result;
}

describe('DepositService', () => {
  it('runs a guest session: items committed with outbox jobs, totals equal the sum of items', async () => {
    const s = setup();
    s.service.start();
    s.service.identify({ kind: 'guest' });
    await insert(s, pet());
    await insert(s, pet({ material: 'aluminium', className: 'soda' }));
    const state = s.service.finish();
    expect(state).toMatchObject({ state: 'receipt', acceptedCount: 2, totalPoints: 25 });
    // The platform answers: nothing is waiting to be "sent once connected".
    expect(state.receipt).toMatchObject({ totalPoints: 25, acceptedCount: 2, voucher: null, willSync: false });
    expect(s.count(`SELECT total_points FROM sessions`)).toBe(25);
    expect(s.count(`SELECT SUM(points) FROM items`)).toBe(25);
    expect(s.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'deposit.item'`)).toBe(2);
    expect(s.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'deposit.session'`)).toBe(1);
    expect(s.hardware.accepted).toHaveLength(2);
  });

  it('tells listeners about an item only after it is in the database', async () => {
    const s = setup();
    const seenInDb: number[] = [];
    s.hub.subscribe('deposit.item', (p) => {
      seenInDb.push(s.count(`SELECT COUNT(*) FROM items WHERE id = '${(p as ItemResult).itemId}'`));
    });
    s.service.start();
    s.service.identify({ kind: 'donation' });
    await insert(s, pet());
    expect(seenInDb).toEqual([1]);
  });

  it('rejects bad verdicts with a code and writes nothing', async () => {
    const s = setup();
    await expect(s.service.acceptVerdict(pet())).rejects.toMatchObject({ code: 'INVALID_STATE' });
    s.service.start();
    s.service.identify({ kind: 'guest' });
    await expect(s.service.acceptVerdict(pet({ material: 'glass' }))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/unknown material "glass"/),
    });
    await expect(s.service.acceptVerdict(pet({ weightG: -3 }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(s.service.acceptVerdict({ ...pet(), confidence: 7 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(s.count('SELECT COUNT(*) FROM items')).toBe(0);
    expect(s.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'deposit.item'`)).toBe(0);
  });

  it('counts an item only after the previous one left the chamber', async () => {
    const s = setup();
    s.service.start();
    s.service.identify({ kind: 'guest' });
    await s.service.acceptVerdict(pet());
    await expect(s.service.acceptVerdict(pet())).rejects.toMatchObject({ code: 'INVALID_STATE' });
    s.service.chamberCleared();
    await s.service.acceptVerdict(pet());
    expect(s.count('SELECT COUNT(*) FROM items')).toBe(2);
  });

  it('records rejections with their reason and no points, queues them for the platform, and returns the item', async () => {
    const s = setup();
    s.service.start();
    s.service.identify({ kind: 'guest' });
    const hand = await insert(s, pet({ className: 'hand', material: null, accepted: false, reason: 'reject_class' }));
    const heavy = await insert(s, pet({ weightG: 400 }));
    expect(hand).toMatchObject({ accepted: false, reason: 'reject_class', points: 0 });
    expect(heavy).toMatchObject({ accepted: false, reason: 'weight_out_of_range', points: 0 });
    expect(s.hardware.returned).toHaveLength(2);
    // Delivered as rejected (v1 records them): no points in either job.
    expect(
      s.db
        .prepare(`SELECT payload FROM outbox WHERE kind = 'deposit.item'`)
        .pluck()
        .all()
        .map((p) => JSON.parse(p as string)),
    ).toEqual([
      expect.objectContaining({ accepted: false, reason: 'reject_class', points: 0 }),
      expect.objectContaining({ accepted: false, reason: 'weight_out_of_range', points: 0 }),
    ]);
    expect(s.service.snapshot()).toMatchObject({ rejectedCount: 2, totalPoints: 0 });
  });

  it('prices by barcode over material, and caps credit while offline', async () => {
    const s = setup(
      { platformOnline: () => false },
      { deposit: { barcodePoints: { '8991002101234': 25 }, offlineCaps: { sessionPoints: 30 } } },
    );
    s.service.start();
    s.service.identify({ kind: 'guest' });
    expect(await insert(s, pet({ barcode: '8991002101234' }))).toMatchObject({ points: 25 });
    expect(await insert(s, pet())).toMatchObject({ accepted: false, reason: 'credit_cap' });
    expect(s.count(`SELECT offline FROM sessions`)).toBe(1);
  });

  it('issues a voucher (signed by the payout) for an anonymous session, for its final points', async () => {
    const s = setup();
    s.service.start();
    s.service.identify({ kind: 'voucher' });
    await insert(s, pet());
    const { receipt } = s.service.finish();
    expect(receipt?.value).toEqual({ amount: 100, currency: 'IDR' });
    expect(receipt?.voucher).toMatchObject({ payload: 'SIGNED.10', number: '1234567890128' });
    expect(s.count('SELECT points FROM vouchers')).toBe(10);
  });

  it('times out every state and keeps the credit of a session that timed out', async () => {
    const s = setup();
    s.service.start();
    s.clock.advance(60_000);
    expect(s.service.snapshot().state).toBe('idle');
    s.service.start();
    s.service.identify({ kind: 'guest' });
    await insert(s, pet());
    s.clock.advance(89_000);
    expect(s.service.snapshot().state).toBe('inserting');
    s.clock.advance(1_000);
    expect(s.service.snapshot()).toMatchObject({ state: 'receipt', totalPoints: 10 });
    expect(s.db.prepare('SELECT close_reason FROM sessions').pluck().get()).toBe('timeout');
    s.clock.advance(15_000);
    expect(s.service.snapshot().state).toBe('idle');
  });

  it('keeps committed credit when the customer cancels', async () => {
    const s = setup();
    s.service.start();
    s.service.identify({ kind: 'guest' });
    await insert(s, pet());
    expect(s.service.cancel()).toMatchObject({ state: 'receipt', totalPoints: 10 });
    expect(s.db.prepare('SELECT close_reason FROM sessions').pluck().get()).toBe('cancelled');
  });

  it('stops intake when the bin is full and refuses new sessions until it is emptied', async () => {
    const s = setup();
    s.service.start();
    s.service.identify({ kind: 'guest' });
    for (let i = 0; i < 10; i++) await insert(s, pet());
    expect(s.service.snapshot()).toMatchObject({
      state: 'receipt',
      totalPoints: 100,
      outOfService: [{ code: 'bin', detail: 'bin full' }],
    });
    s.clock.advance(15_000);
    expect(s.service.snapshot().state).toBe('out_of_service');
    expect(() => s.service.start()).toThrow(expect.objectContaining({ code: 'OUT_OF_SERVICE' }));
    s.hardware.resetBin();
    s.service.setOutOfService('bin', null);
    expect(s.service.snapshot().state).toBe('idle');
  });

  it('closes a session a crash left open, with its credit, on the next start', async () => {
    const first = setup();
    first.service.start();
    first.service.identify({ kind: 'member', memberId: 'member-42' });
    await insert(first, pet());
    // A second service over the same file plays the restarted process.
    const second = setup({}, {}, first.path);
    expect(second.service.snapshot().state).toBe('idle');
    expect(
      second.db.prepare(`SELECT status || ':' || close_reason || ':' || total_points FROM sessions`).pluck().get(),
    ).toBe('closed:restart:10');
    expect(second.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'deposit.session'`)).toBe(1);
  });

  it('uses the chamber scale when the verdict has no weight', async () => {
    const hardware = Object.assign(new SimulatedHardware(100), { weightG: () => 300 });
    const s = setup({ hardware });
    s.service.start();
    s.service.identify({ kind: 'guest' });
    expect(await insert(s, pet())).toMatchObject({ accepted: false, reason: 'weight_out_of_range' });
    expect(s.db.prepare('SELECT weight_g FROM items').pluck().get()).toBe(300);
  });

  it('credits an item only once the controller confirms it; a refused item is handed back and earns nothing', async () => {
    // A controller that refuses while jammed and reports its health, as SerialHardware does.
    let jammed = true;
    const listeners = new Set<(h: HardwareHealth) => void>();
    const health = (): HardwareHealth => (jammed ? { ok: false, reason: 'hardware fault: door jammed' } : { ok: true });
    const hardware = Object.assign(new SimulatedHardware(100), {
      acceptItem: () => {
        if (!jammed) return Promise.resolve();
        listeners.forEach((l) => l(health()));
        return Promise.reject(new Error('controller refused "accept": door jammed'));
      },
      health,
      onHealth: (l: (h: HardwareHealth) => void) => (listeners.add(l), () => listeners.delete(l)),
    });
    const s = setup({ hardware });
    hardware.onHealth((h) => s.service.setOutOfService('hardware', h.ok ? null : h.reason));
    jammed = false;
    s.service.start();
    s.service.identify({ kind: 'guest' });
    expect(await insert(s, pet())).toMatchObject({ accepted: true, points: 10 });
    jammed = true;
    expect(await insert(s, pet())).toMatchObject({ accepted: false, points: 0, reason: 'not_taken' });
    expect(hardware.returned).toHaveLength(0); // a faulted controller is not asked to hand it back
    // The session waited for the answer, then closed with the confirmed credit only.
    expect(s.service.snapshot()).toMatchObject({ state: 'receipt', totalPoints: 10, acceptedCount: 1 });
    expect(s.service.snapshot().outOfService).toEqual([{ code: 'hardware', detail: 'hardware fault: door jammed' }]);
    expect(s.db.prepare(`SELECT close_reason || ':' || total_points FROM sessions`).pluck().get()).toBe(
      'out_of_service:10',
    );
    // One credited, one handed back (queued as rejected, 0 points).
    expect(s.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'deposit.item'`)).toBe(2);
    expect(s.count(`SELECT sum(json_extract(payload, '$.points')) FROM outbox WHERE kind = 'deposit.item'`)).toBe(10);
    expect(s.count('SELECT COUNT(*) FROM held_items')).toBe(0);
    // The controller reports healthy again: back in service without a restart.
    jammed = false;
    listeners.forEach((l) => l(health()));
    s.service.done();
    expect(s.service.snapshot()).toMatchObject({ state: 'idle', outOfService: [] });
  });

  it('an item held while the kiosk stopped is credited at recovery (the answer was lost)', async () => {
    const hardware = Object.assign(new SimulatedHardware(100), { acceptItem: () => new Promise<void>(() => {}) });
    const first = setup({ hardware });
    first.service.start();
    first.service.identify({ kind: 'guest' });
    void insert(first, pet());
    await expect.poll(() => first.count('SELECT COUNT(*) FROM held_items')).toBe(1);
    // A finish asked for while the item moves waits for the answer.
    expect(first.service.finish().state).toBe('inserting');
    first.service.stop();
    const second = setup({}, {}, first.path);
    expect(second.db.prepare(`SELECT close_reason || ':' || total_points FROM sessions`).pluck().get()).toBe(
      'restart:10',
    );
    expect(second.count('SELECT COUNT(*) FROM held_items')).toBe(0);
    expect(second.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'deposit.item'`)).toBe(1);
  });

  it('says the credit will be sent later only while a linked platform is not answering', async () => {
    let online = false;
    const offline = setup({ platformOnline: () => online, platformLinked: true });
    offline.service.start();
    offline.service.identify({ kind: 'guest' });
    await insert(offline, pet());
    expect(offline.service.finish().receipt).toMatchObject({ totalPoints: 10, willSync: true });
    offline.service.done();
    online = true;
    offline.service.start();
    offline.service.identify({ kind: 'guest' });
    expect(offline.service.finish().receipt).toMatchObject({ willSync: false });
    // No platform at all: nothing is ever sent, so nothing is promised.
    const none = setup({ platformOnline: () => false, platformLinked: false });
    none.service.start();
    none.service.identify({ kind: 'guest' });
    expect(none.service.finish().receipt).toMatchObject({ willSync: false });
  });

  it('identifies a member only through the platform path', () => {
    const s = setup();
    s.service.start();
    expect(s.service.identifyMember({ memberId: 'member-7' })).toMatchObject({
      state: 'inserting',
      identity: { kind: 'member', memberId: 'member-7' },
    });
    expect(() => s.service.identifyMember({ memberId: 'member-8' })).toThrow(
      expect.objectContaining({ code: 'INVALID_STATE' }),
    );
  });
});
