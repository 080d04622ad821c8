import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/store/database';
import { bundleForNode } from '../support/bundle.mjs';
import { faultWatch } from '../support/fault-table';
import { tempDir } from '../support/test-core';

const KILLS = 50;

/** Runs the driver until a random moment after it is ready, SIGKILLs it, returns what it acknowledged. */
function runAndKill(driver: string, dataDir: string, killAfterMs: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [driver, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks = new Map<string, number>();
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('READY') && !child.killed) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`driver exited by itself (${code}): ${err}`));
      for (const line of out.split('\n')) {
        const m = /^ACK (\S+) (\d+)$/.exec(line);
        if (m) acks.set(m[1]!, Number(m[2]));
      }
      resolve(acks);
    });
  });
}

describe('crash safety: the kiosk core SIGKILLed at random moments', () => {
  const data = tempDir('rvm-faults-');
  let driver: string;
  beforeAll(async () => {
    driver = await bundleForNode('test/faults/deposit-driver.ts');
  });
  afterAll(() => {
    data.cleanup();
    if (driver) rmSync(dirname(driver), { recursive: true, force: true });
  });

  it(`loses no acknowledged item and counts none twice over ${KILLS} kills`, async ({ task }) => {
    // Healing is systemd's restart by design; the row is about credit.
    const watch = faultWatch(task, `SIGKILL mid-deposit ×${KILLS}`, { loop: false });
    const acknowledged = new Map<string, number>();
    // Seeded spread of kill moments (ms after ready): early, mid-session and late.
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < KILLS; i++) {
      const acks = await runAndKill(driver, data.dir, Math.floor(random() * 120));
      for (const [id, points] of acks) acknowledged.set(id, points);
    }
    expect(acknowledged.size).toBeGreaterThan(KILLS);

    // One more start runs recovery (closing what the last kill left open), as the real restart would.
    openStore(join(data.dir, 'rvm.db')).db.close();
    await runAndKill(driver, data.dir, 0);
    const db = new Database(join(data.dir, 'rvm.db'), { readonly: true });
    const all = <T>(sql: string) => db.prepare(sql).all() as T[];
    const one = (sql: string) => db.prepare(sql).pluck().get();

    expect(one('PRAGMA integrity_check')).toBe('ok');
    const items = new Map(
      all<{ id: string; points: number }>('SELECT id, points FROM items WHERE accepted = 1').map((r) => [
        r.id,
        r.points,
      ]),
    );
    const missing = [...acknowledged].filter(([id, points]) => items.get(id) !== points);
    watch.done(missing.reduce((sum, [, points]) => sum + points, 0));
    expect(missing).toEqual([]);
    // Exactly one delivery job per item (rejected ones too: v1 records them) and per closed session; none without its row.
    expect(one(`SELECT COUNT(*) FROM outbox WHERE kind = 'deposit.item'`)).toBe(one('SELECT COUNT(*) FROM items'));
    expect(one(`SELECT COUNT(DISTINCT idempotency_key) FROM outbox`)).toBe(one('SELECT COUNT(*) FROM outbox'));
    expect(
      one(
        `SELECT COUNT(*) FROM outbox o LEFT JOIN items i ON o.idempotency_key = 'item:' || i.id WHERE o.kind = 'deposit.item' AND i.id IS NULL`,
      ),
    ).toBe(0);
    expect(one(`SELECT COUNT(*) FROM outbox WHERE kind = 'deposit.session'`)).toBe(
      one(`SELECT COUNT(*) FROM sessions WHERE status = 'closed'`),
    );
    expect(one(`SELECT COUNT(*) FROM sessions WHERE status = 'open'`)).toBeLessThanOrEqual(1);
    // The kills did land inside sessions, and each restart closed what it found open.
    expect(one(`SELECT COUNT(*) FROM sessions WHERE close_reason = 'restart'`)).toBeGreaterThan(KILLS / 2);
    // Points in sessions equal the sum over items, per session and in total.
    expect(
      one(
        `SELECT COUNT(*) FROM sessions s WHERE s.total_points != (SELECT COALESCE(SUM(points), 0) FROM items i WHERE i.session_id = s.id)`,
      ),
    ).toBe(0);
    expect(one('SELECT SUM(total_points) FROM sessions')).toBe(one('SELECT SUM(points) FROM items'));
    // Vouchers carry exactly their session's points.
    expect(
      one(`SELECT COUNT(*) FROM vouchers v JOIN sessions s ON s.id = v.session_id WHERE v.points != s.total_points`),
    ).toBe(0);
    db.close();
  });
});
