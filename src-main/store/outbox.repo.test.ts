import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { openStore } from './database';
import { OutboxRepo } from './outbox.repo';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
function repo() {
  const t = tempDir('rvm-outbox-');
  dirs.push(t);
  const { db } = openStore(join(t.dir, 'rvm.db'));
  return { db, outbox: new OutboxRepo(db) };
}
const job = (key: string, session = 's1') => ({
  idempotencyKey: key,
  kind: 'item',
  orderingKey: session,
  payload: { key },
});

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
});
