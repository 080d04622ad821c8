import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ItemVerdict } from '../../src-preload/contract';
import { BackupService } from '../../src-main/backup/backup.service';
import { ConfigSchema } from '../../src-main/config/config.schema';
import type { KioskCore } from '../../src-main/core/kiosk-core';
import { SimulatedHardware } from '../../src-main/hardware/hardware';
import { createLogger } from '../../src-main/log/logger';
import { FakeClock } from '../support/fake-clock';
import { callAs, makeTestCore, tempDir } from '../support/test-core';
import { TECHNICIAN, technicianEnv } from '../support/technician';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const pet: ItemVerdict = {
  className: 'pet_bottle',
  material: 'pet',
  confidence: 0.9,
  accepted: true,
  reason: null,
  box: [0, 0, 10, 10],
};

async function depositSession(core: KioskCore, items: number, close = true): Promise<void> {
  const service = core.deposit.service!;
  service.start();
  service.identify({ kind: 'guest' });
  for (let i = 0; i < items; i++) {
    await service.acceptVerdict(pet);
    service.chamberCleared();
  }
  if (close) {
    service.finish();
    service.done();
  }
}

/** Everything a restore must bring back exactly: items, sessions and the outbox with its keys. */
function snapshot(dir: string) {
  const db = new Database(join(dir, 'rvm.db'), { readonly: true });
  try {
    return {
      items: db.prepare('SELECT id, session_id, points FROM items ORDER BY id').all(),
      sessions: db.prepare('SELECT id, status, total_points FROM sessions ORDER BY id').all(),
      outbox: db.prepare('SELECT idempotency_key, kind, status FROM outbox ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

describe('backup and restore', () => {
  const disposers: Array<() => void> = [];
  afterEach(() => {
    for (const dispose of disposers.splice(0).reverse()) dispose();
  });

  it('round trip: deposits and outbox rows survive create → restore exactly, through a restart', async () => {
    const { dir, cleanup } = tempDir();
    disposers.push(cleanup);
    let restarts = 0;
    const options = { dir, hardware: new SimulatedHardware(10_000), restart: () => restarts++ };
    const first = makeTestCore(technicianEnv(), options);
    first.core.start();
    await depositSession(first.core, 3);
    await depositSession(first.core, 2);
    const before = snapshot(dir);
    const api = callAs(first.core);
    await api('maintenance.unlock', { pin: TECHNICIAN.pin });
    const made = await api('backup.create', { kind: 'database' });
    expect(made).toMatchObject({
      ok: true,
      value: { kind: 'database', counts: { items: 5, sessions: 2, outbox: 7 }, verified: { ok: true } },
    });
    const id = (made as { value: { id: string } }).value.id;
    // Life goes on after the backup …
    await api('maintenance.lock');
    await depositSession(first.core, 4);
    expect(snapshot(dir).items).toHaveLength(9);
    // … then the technician restores it: a safety copy first, then a restart.
    await api('maintenance.unlock', { pin: TECHNICIAN.pin });
    const restored = await api('backup.restore', { id });
    expect(restored).toMatchObject({ ok: true, value: { safetyBackup: expect.stringContaining('database') } });
    expect(restarts).toBe(1);
    first.core.stop();
    const second = makeTestCore(technicianEnv(), { ...options, restart: () => undefined });
    disposers.push(() => second.core.stop());
    expect(snapshot(dir)).toEqual(before);
    expect(second.core.deposit.service!.snapshot().state).toBe('idle');
    // The safety copy holds the state from just before the restore (9 items).
    const list = second.core.backup!.list();
    expect(list.find((b) => b.reason.startsWith('safety copy'))).toMatchObject({ counts: { items: 9 } });
    // The audit log (restored from the backup) has the create; the restore itself is in the safety copy.
    expect(existsSync(join(dir, 'replaced'))).toBe(true);
  });

  it('a tampered archive fails verification with a clear message and is never restored', async () => {
    const t = makeTestCore(technicianEnv(), { restart: () => undefined });
    disposers.push(t.dispose);
    t.core.start();
    await depositSession(t.core, 2);
    const backup = t.core.backup!;
    const info = (await backup.create('database', 'test'))!;
    const path = join(backup.folder, `${info.id}.rvmbak`);
    const bytes = readFileSync(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 100) ^ 0x01, bytes.length - 100); // one bit of ciphertext
    writeFileSync(path, bytes);
    expect(backup.verify(info.id).verified).toMatchObject({
      ok: false,
      detail: expect.stringContaining('changed or damaged'),
    });
    const api = callAs(t.core);
    await api('maintenance.unlock', { pin: TECHNICIAN.pin });
    expect(await api('backup.restore', { id: info.id })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('changed or damaged') },
    });
    expect(existsSync(join(t.dir, 'rvm.db.restore'))).toBe(false);
    // Intake was never stopped for it.
    expect(t.core.deposit.service!.snapshot().outOfService.map((r) => r.code)).not.toContain('backup');
  });

  it('another machine’s key is refused and nothing is overwritten', async () => {
    const t = makeTestCore();
    disposers.push(t.dispose);
    await depositSession(t.core, 1);
    const info = (await t.core.backup!.create('database', 'test'))!;
    const stranger = new BackupService({
      dataDir: t.dir,
      config: ConfigSchema.parse({}).backup,
      machineSecret: Buffer.alloc(32, 7),
      appVersion: '0',
      clock: new FakeClock(),
      logger,
    });
    const dbBefore = readFileSync(join(t.dir, 'rvm.db'));
    expect(stranger.verify(info.id).verified).toMatchObject({
      ok: false,
      detail: expect.stringContaining('another key'),
    });
    expect(() => stranger.stageRestore(info.id)).toThrow(/another key/);
    expect(existsSync(join(t.dir, 'rvm.db.restore'))).toBe(false);
    expect(readFileSync(join(t.dir, 'rvm.db')).equals(dbBefore)).toBe(true);
  });

  it('retention keeps each kind for its days and stays under the size cap (oldest out first)', async () => {
    const clock = new FakeClock();
    const t = makeTestCore({ RVM_BACKUP__MAX_TOTAL_MB: '50' }, { clock });
    disposers.push(t.dispose);
    const backup = t.core.backup!;
    // Database backups every 12 h for 10 days: at each one, those older than 7 days go.
    for (let i = 0; i < 20; i++) {
      if (i > 0) clock.advance(12 * 3600_000);
      await backup.create('database', 'schedule');
    }
    const dbs = backup.list().filter((b) => b.kind === 'database');
    expect(dbs.length).toBe(15); // 7 days at 12 h, both ends included
    expect(Math.min(...dbs.map((b) => b.createdAt))).toBe(clock.now() - 7 * 24 * 3600_000);
    // Logs that do not compress (20 MB each): the third one pushes the folder over 50 MB.
    mkdirSync(join(t.dir, 'logs'), { recursive: true });
    const { randomBytes } = await import('node:crypto');
    const logIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(t.dir, 'logs', 'rvm-kiosk.log'), randomBytes(20 * 2 ** 20));
      logIds.push((await backup.create('logs', 'schedule'))!.id);
      clock.advance(60_000);
    }
    const left = backup.list().map((b) => b.id);
    expect(left).not.toContain(logIds[0]);
    expect(left).toContain(logIds[2]);
    expect(backup.usage().bytes).toBeLessThanOrEqual(50 * 2 ** 20);
    // The newest verified database backup is never removed for space.
    expect(left).toContain(dbs[0]?.id);
    // An unchanged config is not backed up twice by the schedule.
    writeFileSync(join(t.dir, 'config.json'), '{"machine": {"name": "X"}}');
    expect(await backup.create('config', 'schedule', { skipUnchanged: true })).toBeDefined();
    expect(await backup.create('config', 'schedule', { skipUnchanged: true })).toBeUndefined();
  });

  it('restoring while a customer session is open closes it first, with its credit', async () => {
    const { dir, cleanup } = tempDir();
    disposers.push(cleanup);
    const first = makeTestCore(technicianEnv(), { dir, restart: () => undefined });
    first.core.start();
    await depositSession(first.core, 1);
    const target = (await first.core.backup!.create('database', 'test'))!.id;
    await depositSession(first.core, 2, false); // open, 20 points
    // A technician on a second screen (remote maintenance) restores while the customer is mid-session.
    const remote = callAs(first.core, 'laptop');
    await remote('maintenance.unlock', { pin: TECHNICIAN.pin });
    expect(await remote('backup.restore', { id: target })).toMatchObject({ ok: true });
    const safety = first.core.backup!.list().find((b) => b.reason.startsWith('safety copy'))!;
    expect(safety.counts).toMatchObject({ items: 3, sessions: 2 });
    const open = new Database(join(dir, 'rvm.db'), { readonly: true })
      .prepare(`SELECT COUNT(*) FROM sessions WHERE status = 'open'`)
      .pluck()
      .get();
    expect(open).toBe(0);
    first.core.stop();
  });
});
