import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, resolveDataDir } from '../config/config.loader';
import { machineTimeZone, type Config } from '../config/config.schema';
import { writeFileAtomic } from '../fs/atomic-file';
import { localIso } from '../kernel/local-time';
import { AuditRepo } from '../store/audit.repo';
import { openStore } from '../store/database';
import { missingStore, storePath } from '../store/existing-store';
import { loadMachineSecret } from '../store/machine-secret';
import { VoucherRepo, type VoucherFilter } from '../store/voucher.repo';
import { vouchersCsv } from './voucher-csv';
import { VoucherDesk, view, type VoucherAnswer } from './voucher-desk';
import { exportPublicKey, voucherKeys } from './voucher-keys';

const USAGE = `usage: npm run voucher -- <command>
  public-key [--pem]             this machine's voucher public key: the line a till is set up with (RVMKEY1…),
                                 its fingerprint and PEM (--pem: the PEM alone, for resources/voucher-verify.mjs)
  verify <code|number>           check a scanned voucher (the QR text, or the 13 digits under the barcode)
  redeem <code|number> [--by W]  redeem it once (W: who, for the audit log; default the shell user)
  list [all|open|redeemed] [--json]   the 50 newest vouchers
  export-csv <file> [--from YYYY-MM-DD] [--to YYYY-MM-DD]   vouchers issued in that range (dates in the
                                 machine's time zone, --to exclusive) as CSV for the shop's accounting
Exit code: 0 done (verify: valid), 1 refused or failed, 2 usage. The data folder is RVM_DATA_DIR.`;

type Out = (line: string) => void;

/** `npm run voucher -- …` (rvm-kiosk voucher …) for technicians and the shop; resolves to the exit code. */
export function runVoucherCli(argv: readonly string[], out: Out, env: NodeJS.ProcessEnv = process.env): number {
  const [command, ...rest] = argv;
  const known = ['public-key', 'verify', 'redeem', 'list', 'export-csv'];
  if (!command || !known.includes(command)) {
    out(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  const dataDir = resolveDataDir(env);
  // Nothing is created in a folder the kiosk never used (not even a machine secret).
  if (!existsSync(join(dataDir, 'machine-secret'))) {
    out(`no machine secret in ${dataDir}: has the kiosk run here? (or set RVM_DATA_DIR to its data folder)`);
    return 1;
  }
  let config: Config;
  try {
    config = loadConfig(dataDir, env).config;
  } catch (error) {
    out(error instanceof ConfigError ? error.message : `cannot read the configuration: ${(error as Error).message}`);
    return 1;
  }
  const keys = voucherKeys(loadMachineSecret(dataDir));
  if (command === 'public-key') {
    const key = exportPublicKey(keys.publicKey, config.machine.id);
    if (rest.includes('--pem')) out(key.pem.trimEnd());
    else out(`machine ${config.machine.id}\n${key.line}\nfingerprint ${key.fingerprint}\n${key.pem.trimEnd()}`);
    return 0;
  }
  const missing = missingStore(storePath(dataDir));
  if (missing) {
    out(missing);
    return 1;
  }
  const { db } = openStore(storePath(dataDir));
  try {
    const vouchers = new VoucherRepo(db);
    const desk = new VoucherDesk({
      vouchers,
      audit: new AuditRepo(db),
      publicKey: keys.publicKey,
      machineId: config.machine.id,
      expiryDays: config.vouchers.expiryDays,
      now: () => Date.now(),
    });
    const zone = machineTimeZone(config);
    const arg = (flag: string) => (rest.includes(flag) ? rest[rest.indexOf(flag) + 1] : undefined);
    switch (command) {
      case 'verify':
      case 'redeem': {
        const code = rest[0];
        if (!code || code.startsWith('--')) {
          out(`usage: npm run voucher -- ${command} <code|number>`);
          return 2;
        }
        const by = arg('--by') ?? `cli (${safeUser()})`;
        const answer = command === 'verify' ? desk.check(code) : desk.redeem(code, by);
        out(describe(answer, zone));
        return answer.ok ? 0 : 1;
      }
      case 'list': {
        const filter = (['all', 'open', 'redeemed'].find((f) => rest.includes(f)) ?? 'all') as VoucherFilter;
        const rows = vouchers.list(filter, 50).map((row) => view(row, config.vouchers.expiryDays));
        if (rest.includes('--json')) out(JSON.stringify(rows));
        else if (rows.length === 0) out('no vouchers');
        else
          for (const v of rows) {
            const state = v.redeemedAt ? `redeemed ${localIso(v.redeemedAt, zone)} by ${v.redeemedBy}` : 'open';
            out(`${v.number ?? v.id}  ${String(v.points).padStart(6)} points  ${localIso(v.issuedAt, zone)}  ${state}`);
          }
        return 0;
      }
      default: {
        const file = rest[0];
        const from = dayStart(arg('--from'), zone, 0);
        const to = dayStart(arg('--to'), zone, Date.now() + 1);
        if (!file || file.startsWith('--') || from === null || to === null) {
          out('usage: npm run voucher -- export-csv <file> [--from YYYY-MM-DD] [--to YYYY-MM-DD]');
          return 2;
        }
        const csv = vouchersCsv(vouchers.between(from, to), zone, config.vouchers.expiryDays);
        writeFileAtomic(file, csv.text);
        out(`${csv.rows} vouchers written to ${file}`);
        return 0;
      }
    }
  } finally {
    db.close();
  }
}

function describe(answer: VoucherAnswer, zone: string): string {
  const v = answer.voucher;
  const lines = [`${answer.ok ? 'OK' : 'REFUSED'} (${answer.status}): ${answer.reason}`];
  if (v) {
    const value = v.value ? `, worth ${v.value.amount} ${v.value.currency}` : '';
    lines.push(`  voucher ${v.number ?? v.id}: ${v.points} points${value}`);
    lines.push(`  issued ${localIso(v.issuedAt, zone)}, valid until ${localIso(v.expiresAt, zone)}`);
  }
  return lines.join('\n');
}

/** Midnight of a YYYY-MM-DD day in `zone` (epoch ms); the fallback when absent; null when malformed. */
function dayStart(day: string | undefined, zone: string, fallback: number): number | null {
  if (day === undefined) return fallback;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const utc = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(utc)) return null;
  // The zone's offset at that moment (twice: a day that starts on a DST change settles on the second).
  let at = utc;
  for (let i = 0; i < 2; i++) at = utc - offsetMs(at, zone);
  return at;
}

function offsetMs(ms: number, zone: string): number {
  const iso = localIso(ms, zone);
  const [, sign, h, m] = /([+-])(\d{2}):(\d{2})$/.exec(iso) ?? [];
  return sign ? (sign === '-' ? -1 : 1) * (Number(h) * 60 + Number(m)) * 60_000 : 0;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown user';
  }
}

if (process.argv[1]?.endsWith('voucher-cli.js')) {
  process.exitCode = runVoucherCli(process.argv.slice(2), (line) => console.log(line));
}
