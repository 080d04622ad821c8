import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { openStore, type Db } from './database';
import { OutboxRepo, type NewOutboxJob, type StoredOutboxJob } from './outbox.repo';
import { SessionRepo } from './session.repo';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
function repo() {
  const t = tempDir('rvm-outbox-');
  dirs.push(t);
  const { db } = openStore(join(t.dir, 'rvm.db'));
  return { db, outbox: new OutboxRepo(db) };
}
/** A closed session's job, as SessionRepo.close writes it. */
const job = (key: string, session = 's1'): NewOutboxJob => ({
  idempotencyKey: key,
  kind: 'deposit.session',
  orderingKey: session,
  payload: {
    id: session,
    status: 'closed',
    identity: 'guest',
    memberId: null,
    openedAt: 0,
    acceptedCount: 1,
    rejectedCount: 0,
    totalPoints: 10,
    platformSession: null,
    memberName: null,
    closedAt: 1,
    reason: 'finished',
    voucherId: null,
  },
});

/** A row as some writer left it, payload text and all (an older version, a damaged file). */
function insertRow(db: Db, key: string, kind: string, session: string, payload: string): number {
  return Number(
    db
      .prepare(
        `INSERT INTO outbox (idempotency_key, kind, ordering_key, payload, status, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'pending', 0, 0, 0)`,
      )
      .run(key, kind, session, payload).lastInsertRowid,
  );
}

describe('OutboxRepo', () => {
  it('delivers one job per session at a time, in order, across sessions in parallel', () => {
    const { outbox } = repo();
    outbox.enqueue(job('a1', 'A'), 0);
    outbox.enqueue(job('b1', 'B'), 0);
    outbox.enqueue(job('a2', 'A'), 0);
    const first = outbox.claim(10);
    expect(first.map((j) => j.idempotencyKey)).toEqual(['a1', 'b1']);
    expect(outbox.claim(10)).toEqual([]);
    expect(outbox.complete(first[0]!.id, 11)).toBe(true);
    expect(outbox.claim(12).map((j) => j.idempotencyKey)).toEqual(['a2']);
  });

  it('retries a failed job only when due, counting attempts', () => {
    const { outbox } = repo();
    const id = outbox.enqueue(job('k'), 0);
    outbox.claim(0);
    expect(outbox.fail(id, 5000, 'ECONNREFUSED', 1)).toBe(true);
    expect(outbox.claim(4999)).toEqual([]);
    const [again] = outbox.claim(5000);
    expect(again).toMatchObject({ id, attempts: 2, lastError: 'ECONNREFUSED' });
  });

  it('parks a quarantined job and holds back later jobs of its session', () => {
    const { outbox } = repo();
    const bad = outbox.enqueue(job('bad'), 0);
    outbox.enqueue(job('next'), 0);
    outbox.claim(0);
    expect(outbox.quarantine(bad, '422 weight must be ≥ 0.001', 1)).toBe(true);
    expect(outbox.claim(2)).toEqual([]);
    expect(outbox.stats().quarantined.count).toBe(1);
    expect(outbox.get(bad)).toMatchObject({ status: 'quarantined', lastError: '422 weight must be ≥ 0.001' });
  });

  it('tells when the next claimable job falls due (none behind a quarantined one)', () => {
    const { outbox } = repo();
    expect(outbox.nextDueAt()).toBeNull();
    const a1 = outbox.enqueue(job('a1', 'A'), 100);
    outbox.enqueue(job('a2', 'A'), 50);
    expect(outbox.nextDueAt()).toBe(100); // a2 waits for a1, whatever its own time
    outbox.claim(100);
    outbox.fail(a1, 9000, 'timeout', 101);
    expect(outbox.nextDueAt()).toBe(9000);
    outbox.claim(9000);
    outbox.quarantine(a1, '422', 9001);
    expect(outbox.nextDueAt()).toBeNull();
    expect(outbox.resolveQuarantined(a1, { action: 'discard', actor: 'Agus', reason: 'bad' }, 9002)).toBe(true);
    expect(outbox.nextDueAt()).toBe(50);
  });

  it('refuses a second job with the same idempotency key', () => {
    const { outbox } = repo();
    outbox.enqueue(job('same'), 0);
    expect(() => outbox.enqueue(job('same'), 0)).toThrow(/UNIQUE/);
  });

  it('puts jobs a dead process had in flight back to pending, and ignores late answers for them', () => {
    const { outbox } = repo();
    const id = outbox.enqueue(job('k'), 0);
    outbox.claim(0);
    expect(outbox.releaseInFlight(1)).toBe(1);
    expect(outbox.complete(id, 2)).toBe(false);
    expect(outbox.claim(3).map((j) => j.id)).toEqual([id]);
    expect(outbox.complete(id, 4)).toBe(true);
    expect(outbox.stats().done.count).toBe(1);
  });

  it('writes the payloads as before, and hands out those rows and older ones typed by kind', () => {
    const { db, outbox } = repo();
    const sessions = new SessionRepo(db, outbox);
    sessions.open('S1', { kind: 'member', memberId: '501', name: 'Siti' }, 1000, false, 'sess_1');
    const item = { sessionId: 'S1', className: 'pet_bottle', material: 'pet', confidence: 0.9, barcode: null };
    sessions.addItem({ ...item, id: 'I1', accepted: true, reason: null, points: 10, weightG: 24, at: 1001 });
    sessions.addItem({
      ...item,
      id: 'I2',
      accepted: true,
      reason: null,
      points: 10,
      weightG: null,
      at: 1002,
      imagePath: '/data/frames/I2.jpg',
      box: [1, 2, 3, 4],
    });
    sessions.close({
      sessionId: 'S1',
      reason: 'finished',
      at: 1003,
      voucher: () => ({ id: 'V1', number: '0000000000000', payload: 'RVM2.x', value: null, expiresAt: 2000 }),
    });
    // Byte for byte what machines in the field hold: these rows must keep parsing.
    const stored = db.prepare('SELECT payload FROM outbox ORDER BY id').pluck().all();
    expect(stored).toEqual([
      '{"sessionId":"S1","className":"pet_bottle","material":"pet","confidence":0.9,"barcode":null,"id":"I1","accepted":true,"reason":null,"points":10,"weightG":24,"at":1001,"seq":1}',
      '{"sessionId":"S1","className":"pet_bottle","material":"pet","confidence":0.9,"barcode":null,"id":"I2","accepted":true,"reason":null,"points":10,"weightG":null,"at":1002,"imagePath":"/data/frames/I2.jpg","box":[1,2,3,4],"seq":2}',
      '{"id":"S1","status":"closed","identity":"member","memberId":"501","openedAt":1000,"acceptedCount":2,"rejectedCount":0,"totalPoints":20,"platformSession":"sess_1","memberName":"Siti","closedAt":1003,"reason":"finished","voucherId":"V1"}',
    ]);
    // A session closed before the platform's references were kept (no platformSession, memberName).
    insertRow(
      db,
      'session:OLD',
      'deposit.session',
      'OLD',
      '{"id":"OLD","status":"closed","identity":"guest","memberId":null,"openedAt":5,"acceptedCount":0,"rejectedCount":1,"totalPoints":0,"closedAt":6,"reason":"timeout","voucherId":null}',
    );

    const claimed = outbox.claim(2000);
    expect(claimed.map((j) => j.idempotencyKey)).toEqual(['item:I1', 'session:OLD']);
    const [first, old] = claimed;
    if (first?.kind !== 'deposit.item' || old?.kind !== 'deposit.session') throw new Error('kinds out of order');
    expect(first.payload).toMatchObject({ id: 'I1', seq: 1, weightG: 24, material: 'pet' });
    expect([first.payload.imagePath, first.payload.box]).toEqual([undefined, undefined]);
    expect(old.payload).toMatchObject({ id: 'OLD', closedAt: 6, reason: 'timeout' });
    expect(old.payload.platformSession).toBeUndefined();
    outbox.complete(first.id, 2001);
    const [second] = outbox.claim(2002);
    expect(second).toMatchObject({
      kind: 'deposit.item',
      payload: { imagePath: '/data/frames/I2.jpg', box: [1, 2, 3, 4] },
    });
  });

  it('quarantines a job that does not parse, or of an unknown kind, with the reason, and hands out the rest', () => {
    const { db, outbox } = repo();
    const weightless = insertRow(
      db,
      'item:A1',
      'deposit.item',
      'A',
      '{"id":"A1","sessionId":"A","seq":1,"accepted":true,"className":"can","material":"aluminium","confidence":0.8,"reason":null,"points":15,"barcode":null,"weightG":"heavy","at":5}',
    );
    const behind = outbox.enqueue(job('session:A', 'A'), 0);
    const damaged = insertRow(db, 'item:B1', 'deposit.item', 'B', '{"id":"B1","sessio');
    const refund = insertRow(db, 'refund:C1', 'deposit.refund', 'C', '{"id":"C1"}');
    const fine = outbox.enqueue(job('session:D', 'D'), 0);

    const told: StoredOutboxJob[] = [];
    // One at a time: the claim moves past the three it cannot hand out to fill its limit.
    expect(outbox.claim(10, 1, (j) => told.push(j)).map((j) => j.id)).toEqual([fine]);
    expect(told.map((j) => j.id)).toEqual([weightless, damaged, refund]);
    const reasons = [weightless, damaged, refund].map((id) => outbox.get(id)!);
    expect(reasons.map((j) => [j.status, j.attempts])).toEqual([
      ['quarantined', 0],
      ['quarantined', 0],
      ['quarantined', 0],
    ]);
    expect(reasons[0]!.lastError).toMatch(
      /^unreadable deposit\.item job \d+ \(item:A1\): weightG: .*expected number.*discard it on the maintenance screen/,
    );
    expect(reasons[0]!.lastError).toContain(`job ${weightless} `);
    expect(reasons[1]!.lastError).toMatch(
      /^unreadable deposit\.item job \d+ \(item:B1\): its payload is not JSON\. .*discard it/,
    );
    expect(reasons[2]!.lastError).toMatch(
      /^unknown job kind "deposit\.refund" in job \d+ \(refund:C1\): this kiosk delivers deposit\.item, deposit\.session/,
    );
    expect(told.map((j) => j.lastError)).toEqual(reasons.map((j) => j.lastError));
    // Listed for the technician as stored, the damaged text included.
    expect(outbox.list('quarantined').map((j) => j.payload)).toEqual([
      expect.objectContaining({ weightG: 'heavy' }),
      '{"id":"B1","sessio',
      { id: 'C1' },
    ]);

    // The session's job waits behind its quarantined item until a technician decides.
    expect(outbox.claim(11)).toEqual([]);
    outbox.resolveQuarantined(weightless, { action: 'discard', actor: 'Agus', reason: 'damaged' }, 12);
    expect(outbox.claim(13).map((j) => j.id)).toEqual([behind]);
    // Retried as it is, it is quarantined again: never handed out.
    outbox.resolveQuarantined(damaged, { action: 'retry', actor: 'Agus' }, 14);
    expect(outbox.claim(15)).toEqual([]);
    expect(outbox.get(damaged)!.status).toBe('quarantined');
  });
});
