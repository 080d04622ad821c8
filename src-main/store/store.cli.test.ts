import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { openStore } from './database';
import { OutboxRepo } from './outbox.repo';
import { SessionRepo } from './session.repo';
import { runStoreCli } from './store.cli';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

describe('npm run store -- stats', () => {
  it('prints sessions, items, points and outbox counts of a real database', () => {
    const t = tempDir('rvm-cli-');
    dirs.push(t);
    const { db } = openStore(join(t.dir, 'rvm.db'));
    const sessions = new SessionRepo(db, new OutboxRepo(db));
    const now = Date.now();
    sessions.open('S1', { kind: 'guest' }, now, true);
    const item = {
      sessionId: 'S1',
      className: 'mineral',
      material: 'pet',
      confidence: 0.9,
      barcode: null,
      weightG: null,
      at: now,
    };
    sessions.addItem({ ...item, id: 'I1', accepted: true, reason: null, points: 10 });
    sessions.addItem({ ...item, id: 'I2', accepted: false, reason: 'reject_class', points: 0 });
    sessions.close({
      sessionId: 'S1',
      reason: 'finished',
      at: now,
      voucher: () => ({ id: 'RVM01-V1', number: '0000000000000', payload: 'RVM2.x', value: null, expiresAt: now }),
    });
    db.close();

    const lines: string[] = [];
    expect(runStoreCli(['stats'], (l) => lines.push(l), { RVM_DATA_DIR: t.dir })).toBe(0);
    expect(lines.join('\n')).toMatch(/sessions\s+open 0, closed 1/);
    expect(lines.join('\n')).toMatch(/items\s+accepted 1, rejected 1/);
    expect(lines.join('\n')).toMatch(/outbox\s+pending 3 \(oldest 0 min\)/);

    const vouchers: string[] = [];
    runStoreCli(['vouchers'], (l) => vouchers.push(l), { RVM_DATA_DIR: t.dir });
    expect(vouchers).toEqual([expect.stringMatching(/^RVM01-V1\s+10 points .* not redeemed$/)]);

    const json: string[] = [];
    runStoreCli(['stats', '--json', '--db', join(t.dir, 'rvm.db')], (l) => json.push(l));
    expect(JSON.parse(json[0]!)).toMatchObject({ points: { total: 10 }, outbox: { pending: { count: 3 } } });
  });

  it('says what is wrong when there is no database or no command', () => {
    const out: string[] = [];
    expect(runStoreCli(['stats'], (l) => out.push(l), { RVM_DATA_DIR: '/nonexistent/rvm' })).toBe(1);
    expect(out[0]).toMatch(/^no database yet at \/nonexistent\/rvm\/rvm.db — has the kiosk run here\? Start it once/);
    expect(runStoreCli(['adopt', '--yes'], (l) => out.push(l), { RVM_DATA_DIR: '/nonexistent/rvm' })).toBe(1);
    expect(out.at(-1)).toMatch(/^nothing to adopt: no database yet at \/nonexistent\/rvm\/rvm.db/);
    expect(runStoreCli(['vouchers', '--db', '/nonexistent/x.db'], (l) => out.push(l))).toBe(1);
    expect(out.at(-1)).toBe("no database at /nonexistent/x.db: give the path of the kiosk's rvm.db after --db");
    expect(runStoreCli(['stats', '--db'], (l) => out.push(l))).toBe(2);
    expect(out.at(-1)).toBe("--db needs the path of the kiosk's rvm.db");
    expect(runStoreCli(['wipe'], (l) => out.push(l))).toBe(2);
    expect(out.at(-1)).toMatch(/usage: npm run store -- <stats\|vouchers>/);
  });
});
