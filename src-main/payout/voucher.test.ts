import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { closeVoucherSession } from '../../test/support/voucher-session';
import { AuditRepo } from '../store/audit.repo';
import { openStore, type Db } from '../store/database';
import { OutboxRepo } from '../store/outbox.repo';
import { SessionRepo } from '../store/session.repo';
import { VoucherRepo } from '../store/voucher.repo';
import { encodeVoucher, newVoucherNumber, readVoucher } from './voucher-code';
import { vouchersCsv } from './voucher-csv';
import { VoucherDesk } from './voucher-desk';
import { createVoucherIssuer } from './voucher-issuer';
import { exportPublicKey, importPublicKey, voucherKeys } from './voucher-keys';
// The till integrator's standalone verifier, exactly as shipped.
import { loadPublicKey, verifyVoucher } from '../../resources/voucher-verify.mjs';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 30, 10, 0, 0);
const keys = voucherKeys(Buffer.alloc(32, 7));
const otherKeys = voucherKeys(Buffer.alloc(32, 8));
const money = (points: number) => ({ amount: points * 10, currency: 'IDR' });

const dirs: Array<{ cleanup(): void }> = [];
const dbs: Db[] = [];
afterEach(() => {
  dbs.splice(0).forEach((db) => db.close());
  dirs.splice(0).forEach((d) => d.cleanup());
});

/** A real store with a closed voucher session of `points`, and the desk over it. */
function machine(points = 40) {
  const t = tempDir('rvm-voucher-');
  dirs.push(t);
  const { db } = openStore(join(t.dir, 'rvm.db'));
  dbs.push(db);
  const vouchers = new VoucherRepo(db);
  const sessions = new SessionRepo(db, new OutboxRepo(db), vouchers);
  const audit = new AuditRepo(db);
  let now = T0;
  const issue = createVoucherIssuer({
    keys,
    machineId: 'RVM-07',
    expiryDays: 30,
    moneyOf: money,
    numberTaken: (n) => vouchers.numberTaken(n),
  });
  const close = (id: string, pts: number) => closeVoucherSession(sessions, id, pts, issue, now) ?? undefined;
  const desk = new VoucherDesk({
    vouchers,
    audit,
    publicKey: keys.publicKey,
    machineId: 'RVM-07',
    expiryDays: 30,
    now: () => now,
  });
  const voucher = close('S1', points)!;
  return { db, desk, vouchers, audit, voucher, close, advance: (ms: number) => (now += ms) };
}

describe('signed vouchers', () => {
  it('carries machine, number, points, value, issue and expiry, and reads back only with the right key', () => {
    const m = machine(40);
    expect(m.voucher.number).toMatch(/^\d{13}$/);
    const read = readVoucher(m.voucher.payload, keys.publicKey);
    expect(read).toEqual({
      ok: true,
      voucher: {
        machineId: 'RVM-07',
        number: m.voucher.number,
        points: 40,
        value: { amount: 400, currency: 'IDR' },
        issuedAt: T0,
        expiresAt: T0 + 30 * DAY,
      },
    });
    expect(readVoucher(m.voucher.payload, otherKeys.publicKey)).toMatchObject({ ok: false });
    // Short enough for a QR code a 58 mm printer prints large.
    expect(m.voucher.payload.length).toBeLessThan(160);
  });

  it('refuses a code with any one character changed', () => {
    const { voucher } = machine(40);
    const code = voucher.payload;
    for (let i = 5; i < code.length; i += 7) {
      const swapped = code[i] === 'A' ? 'B' : 'A';
      const forged = code.slice(0, i) + swapped + code.slice(i + 1);
      expect(readVoucher(forged, keys.publicKey).ok, `changed at ${i}: ${forged}`).toBe(false);
    }
  });

  it('numbers are 13 digits with a Luhn check digit that catches a mistyped digit', () => {
    let i = 0;
    const digits = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
    const number = newVoucherNumber(() => digits[i++]!);
    expect(number).toMatch(/^314159265358\d$/);
    const m = machine();
    const typo = `${number.slice(0, 4)}${(Number(number[4]) + 1) % 10}${number.slice(5)}`;
    expect(m.desk.check(typo)).toMatchObject({ ok: false, status: 'malformed' });
  });

  it('exports the public key as PEM, raw and an RVMKEY1 line that all import back', () => {
    const key = exportPublicKey(keys.publicKey, 'RVM-07');
    expect(key.line).toBe(`RVMKEY1.RVM-07.${key.raw}`);
    expect(key.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const code = machine().voucher.payload;
    for (const form of [key.pem, key.raw, key.line]) expect(readVoucher(code, importPublicKey(form)).ok).toBe(true);
    expect(() => importPublicKey('not a key')).toThrow(/not an Ed25519 public key/);
  });
});

describe('the voucher desk (redeem once)', () => {
  it('redeems a valid voucher once, by code or by number, and audits every attempt', () => {
    const m = machine(40);
    expect(m.desk.check(m.voucher.payload)).toMatchObject({ ok: true, status: 'valid' });
    expect(m.desk.redeem(m.voucher.number, 'till 1')).toMatchObject({
      ok: true,
      voucher: { points: 40, redeemedBy: 'till 1', value: { amount: 400, currency: 'IDR' } },
    });
    const again = m.desk.redeem(m.voucher.payload, 'till 2');
    expect(again).toMatchObject({ ok: false, status: 'redeemed' });
    expect(again.reason).toMatch(/already redeemed at .* by till 1/);
    expect(m.audit.list(10).map((e) => [e.actor, e.action, e.result])).toEqual([
      ['till 2', 'voucher.redeem', expect.stringMatching(/^refused: already redeemed/)],
      ['till 1', 'voucher.redeem', 'ok'],
    ]);
  });

  it('refuses expired, forged, other-machine and unknown vouchers with the reason', () => {
    const m = machine(40);
    const forged = m.voucher.payload.replace('.40.', '.99.');
    expect(m.desk.redeem(forged, 'till')).toMatchObject({ ok: false, status: 'forged' });

    const foreign = encodeVoucher(
      {
        machineId: 'RVM-08',
        number: newVoucherNumber(() => 5),
        points: 10,
        value: null,
        issuedAt: T0,
        expiresAt: T0 + DAY,
      },
      otherKeys.privateKey,
    );
    expect(m.desk.check(foreign)).toMatchObject({ ok: false, status: 'other_machine' });
    expect(m.desk.check(foreign).reason).toMatch(/issued by machine RVM-08/);

    // Our id, another key: a forgery.
    const impostor = encodeVoucher(
      { machineId: 'RVM-07', number: m.voucher.number, points: 400, value: null, issuedAt: T0, expiresAt: T0 + DAY },
      otherKeys.privateKey,
    );
    expect(m.desk.check(impostor)).toMatchObject({ ok: false, status: 'forged' });

    // Genuinely signed, but not in the records (a database restored from before it was issued).
    const unrecorded = encodeVoucher(
      {
        machineId: 'RVM-07',
        number: newVoucherNumber(() => 1),
        points: 5,
        value: null,
        issuedAt: T0,
        expiresAt: T0 + DAY,
      },
      keys.privateKey,
    );
    expect(m.desk.check(unrecorded)).toMatchObject({ ok: false, status: 'unknown' });
    expect(m.desk.check('hello')).toMatchObject({ ok: false, status: 'malformed' });

    m.advance(30 * DAY);
    expect(m.desk.redeem(m.voucher.payload, 'till')).toMatchObject({ ok: false, status: 'expired' });
    expect(m.vouchers.byNumber(m.voucher.number)!.redeemedAt).toBeNull();
  });

  it('still redeems its vouchers after the machine got its provisioned id', () => {
    const m = machine(40);
    const renamed = new VoucherDesk({
      vouchers: m.vouchers,
      audit: m.audit,
      publicKey: keys.publicKey,
      machineId: 'RVM-42',
      expiryDays: 30,
      now: () => T0,
    });
    expect(renamed.redeem(m.voucher.payload, 'till')).toMatchObject({ ok: true });
  });

  it('still redeems an RVMV1 voucher issued before signed vouchers (its expiry counts from issue)', () => {
    const m = machine();
    m.db
      .prepare(
        `INSERT INTO sessions (id, status, identity, opened_at, offline) VALUES ('OLD', 'closed', 'voucher', ?, 0)`,
      )
      .run(T0);
    m.db
      .prepare(`INSERT INTO vouchers (id, session_id, points, payload, created_at) VALUES ('RVM-01J', 'OLD', 20, ?, ?)`)
      .run('RVMV1.RVM-01J.20.abc', T0);
    expect(m.desk.check('RVMV1.RVM-01J.20.abc')).toMatchObject({
      ok: true,
      voucher: { points: 20, expiresAt: T0 + 30 * DAY },
    });
    expect(m.desk.check('RVMV1.RVM-01J.25.abc')).toMatchObject({ ok: false, status: 'forged' });
    expect(m.desk.redeem('RVMV1.RVM-01J.20.abc', 'till')).toMatchObject({ ok: true });
  });

  it('issues no voucher for a session without points', () => {
    const m = machine();
    expect(m.close('S0', 0)).toBeUndefined();
    expect(m.vouchers.bySession('S0')).toBeUndefined();
  });
});

describe('voucher CSV for the shop', () => {
  it('lists every voucher with local times and its redemption, formula-safe', () => {
    const m = machine(40);
    m.advance(60_000);
    m.close('S2', 15);
    m.desk.redeem(m.voucher.number, '=cmd|calc');
    const csv = vouchersCsv(m.vouchers.between(0, Date.now() * 2), 'Asia/Jakarta', 30);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(csv.rows).toBe(2);
    expect(lines[0]).toBe(
      'number,voucher_id,session_id,points,value,currency,issued_at,expires_at,redeemed_at,redeemed_by,printed_at',
    );
    expect(lines[1]).toBe(
      `${m.voucher.number},RVM-07-${m.voucher.number},S1,40,400,IDR,2026-11-30T17:00:00+07:00,2026-12-30T17:00:00+07:00,2026-11-30T17:01:00+07:00,'=cmd|calc,`,
    );
    expect(lines[2]).toMatch(/^\d{13},RVM-07-\d{13},S2,15,150,IDR,2026-11-30T17:01:00\+07:00,.*,,,$/);
  });
});

describe('the standalone verifier (resources/voucher-verify.mjs)', () => {
  it('agrees with the machine on genuine, forged and expired codes', () => {
    const { voucher } = machine(40);
    const key = loadPublicKey(exportPublicKey(keys.publicKey, 'RVM-07').line);
    expect(verifyVoucher(voucher.payload, key, T0)).toMatchObject({
      ok: true,
      voucher: { points: 40, number: voucher.number },
    });
    expect(verifyVoucher(voucher.payload.replace('.40.', '.41.'), key, T0)).toMatchObject({ ok: false });
    expect(verifyVoucher(voucher.payload, key, T0 + 31 * DAY)).toMatchObject({ ok: false, reason: /expired/ });
  });

  it('runs as a command with the public key line and exits 0 or 1', () => {
    const { voucher } = machine(40);
    const line = exportPublicKey(keys.publicKey, 'RVM-07').line;
    const script = resolve('resources/voucher-verify.mjs');
    // Issued "now" in the test's fixed past: expired by the real clock, so issue a fresh one for the CLI.
    const fresh = encodeVoucher(
      {
        machineId: 'RVM-07',
        number: voucher.number,
        points: 40,
        value: null,
        issuedAt: Date.now(),
        expiresAt: Date.now() + DAY,
      },
      keys.privateKey,
    );
    const ok = JSON.parse(execFileSync(process.execPath, [script, line, fresh], { encoding: 'utf8' }));
    expect(ok).toMatchObject({ ok: true, voucher: { machineId: 'RVM-07', points: 40 } });
    let status = 0;
    try {
      execFileSync(process.execPath, [script, line, fresh.replace('.40.', '.4.')], { encoding: 'utf8' });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(1);
  });
});
