import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { closeVoucherSession } from '../../test/support/voucher-session';
import { openStore } from '../store/database';
import { loadMachineSecret } from '../store/machine-secret';
import { OutboxRepo } from '../store/outbox.repo';
import { SessionRepo } from '../store/session.repo';
import { VoucherRepo } from '../store/voucher.repo';
import { runVoucherCli } from './voucher.cli';
import { createVoucherIssuer } from './voucher-issuer';
import { importPublicKey, voucherKeys } from './voucher-keys';
import { readVoucher } from './voucher-code';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

/** A kiosk data folder with one voucher session of 30 points, as the kiosk leaves it. */
function kioskFolder() {
  const t = tempDir('rvm-voucher-cli-');
  dirs.push(t);
  const keys = voucherKeys(loadMachineSecret(t.dir));
  const { db } = openStore(join(t.dir, 'rvm.db'));
  const vouchers = new VoucherRepo(db);
  const sessions = new SessionRepo(db, new OutboxRepo(db), vouchers);
  const issue = createVoucherIssuer({
    keys,
    machineId: 'RVM-05',
    expiryDays: 30,
    moneyOf: (points) => ({ amount: points * 10, currency: 'IDR' }),
    numberTaken: (n) => vouchers.numberTaken(n),
  });
  const voucher = closeVoucherSession(sessions, 'S1', 30, issue)!;
  db.close();
  const env = { RVM_DATA_DIR: t.dir, RVM_MACHINE__ID: 'RVM-05', RVM_MACHINE__TIME_ZONE: 'Asia/Jakarta' };
  const run = (...args: string[]) => {
    const lines: string[] = [];
    const code = runVoucherCli(args, (l) => lines.push(l), env);
    return { code, text: lines.join('\n') };
  };
  return { dir: t.dir, voucher, run };
}

describe('npm run voucher', () => {
  it('prints the public key that verifies the machine’s vouchers', () => {
    const k = kioskFolder();
    const out = k.run('public-key');
    expect(out.code).toBe(0);
    const line = /RVMKEY1\.RVM-05\.\S+/.exec(out.text)![0];
    expect(readVoucher(k.voucher.payload, importPublicKey(line)).ok).toBe(true);
    expect(out.text).toMatch(/fingerprint [0-9a-f]{16}/);
    const pem = k.run('public-key', '--pem');
    expect(pem.text).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(pem.text).not.toMatch(/PRIVATE/);
  });

  it('verifies, redeems once and refuses the second time', () => {
    const k = kioskFolder();
    expect(k.run('verify', k.voucher.payload)).toMatchObject({ code: 0, text: expect.stringMatching(/^OK \(valid\)/) });
    const first = k.run('redeem', k.voucher.number, '--by', 'till-3');
    expect(first.code).toBe(0);
    expect(first.text).toMatch(/redeemed: 30 points[\s\S]*worth 300 IDR/);
    const second = k.run('redeem', k.voucher.payload);
    expect(second.code).toBe(1);
    expect(second.text).toMatch(/^REFUSED \(redeemed\): already redeemed at .* by till-3/);
    expect(k.run('verify', 'RVM2.X')).toMatchObject({ code: 1, text: expect.stringMatching(/REFUSED \(malformed\)/) });
    expect(k.run('list', 'redeemed').text).toMatch(
      new RegExp(`^${k.voucher.number}\\s+30 points .*redeemed .* by till-3$`),
    );
  });

  it('exports CSV for a day range in the machine’s zone', () => {
    const k = kioskFolder();
    const file = join(k.dir, 'out.csv');
    expect(k.run('export-csv', file)).toMatchObject({ code: 0, text: `1 vouchers written to ${file}` });
    expect(readFileSync(file, 'utf8')).toMatch(
      new RegExp(`\\r\\n${k.voucher.number},RVM-05-${k.voucher.number},S1,30,300,IDR,`),
    );
    expect(k.run('export-csv', file, '--from', '2000-01-01', '--to', '2000-01-02').text).toBe(
      `0 vouchers written to ${file}`,
    );
    expect(k.run('export-csv', file, '--from', 'yesterday').code).toBe(2);
  });

  it('answers on a folder the kiosk never used, creating nothing', () => {
    const t = tempDir('rvm-voucher-empty-');
    dirs.push(t);
    const lines: string[] = [];
    expect(runVoucherCli(['public-key'], (l) => lines.push(l), { RVM_DATA_DIR: t.dir })).toBe(1);
    expect(lines.join('\n')).toMatch(/no machine secret .* has the kiosk run here/);
    expect(runVoucherCli(['nonsense'], (l) => lines.push(l), { RVM_DATA_DIR: t.dir })).toBe(2);
  });
});
