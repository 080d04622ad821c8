import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedHardware } from '../../src-main/hardware/hardware';
import { PlatformDouble } from '../platform-double/double';
import { FakeClock } from '../support/fake-clock';
import { callAs, makeTestCore, tempDir } from '../support/test-core';
import { TECHNICIAN, technicianEnv } from '../support/technician';
import { waitFor } from '../support/wait-for';

const WRONG = '111111';

function auditRows(dir: string) {
  const db = new Database(join(dir, 'rvm.db'), { readonly: true });
  try {
    return db.prepare('SELECT actor, action, detail, result FROM audit_log ORDER BY id').all() as Array<{
      actor: string;
      action: string;
      detail: string | null;
      result: string;
    }>;
  } finally {
    db.close();
  }
}

describe('maintenance access', () => {
  const disposers: Array<() => void> = [];
  afterEach(() => {
    for (const dispose of disposers.splice(0).reverse()) dispose();
  });

  it('locks the pad after 5 wrong PINs, keeps it locked across a restart, and audits every attempt', async () => {
    const { dir, cleanup } = tempDir();
    disposers.push(cleanup);
    const clock = new FakeClock();
    const first = makeTestCore(technicianEnv(), { dir, clock });
    const call = callAs(first.core);
    expect(await call('maintenance.pad')).toEqual({
      ok: true,
      value: { lockedUntil: null, remainingAttempts: 5, configured: true },
    });
    for (let i = 1; i <= 4; i++) {
      expect(await call('maintenance.unlock', { pin: WRONG })).toMatchObject({
        ok: true,
        value: { granted: false, reason: 'wrong_pin', pad: { remainingAttempts: 5 - i } },
      });
    }
    expect(await call('maintenance.unlock', { pin: WRONG })).toMatchObject({
      value: {
        granted: false,
        reason: 'locked',
        pad: { lockedUntil: clock.now() + 15 * 60_000, remainingAttempts: 0 },
      },
    });
    first.core.stop();

    // A restart does not reopen the pad; the right PIN is refused too while it is locked.
    const second = makeTestCore(technicianEnv(), { dir, clock });
    disposers.push(() => second.core.stop());
    const again = callAs(second.core);
    expect(await again('maintenance.unlock', { pin: TECHNICIAN.pin })).toMatchObject({
      value: { granted: false, reason: 'locked' },
    });
    clock.advance(15 * 60_000);
    expect(await again('maintenance.unlock', { pin: TECHNICIAN.pin })).toMatchObject({
      value: { granted: true, session: { technician: 'Agus', source: 'local' } },
    });
    expect(await again('maintenance.pad')).toMatchObject({ value: { remainingAttempts: 5, lockedUntil: null } });
    const rows = auditRows(dir).filter((r) => r.action === 'maintenance.unlock');
    expect(rows.map((r) => [r.actor, r.result])).toEqual([
      ['(unknown)', 'refused: wrong PIN'],
      ['(unknown)', 'refused: wrong PIN'],
      ['(unknown)', 'refused: wrong PIN'],
      ['(unknown)', 'refused: wrong PIN'],
      ['(unknown)', 'refused: wrong PIN, pad locked for 15 min'],
      ['(unknown)', 'refused: pad locked'],
      ['Agus', 'ok'],
    ]);
    // The PIN itself is never written down.
    expect(JSON.stringify(auditRows(dir))).not.toContain(TECHNICIAN.pin);
  });

  it('pauses the customer flow while open, ends after 5 idle minutes, and belongs to one screen', async () => {
    const clock = new FakeClock();
    const t = makeTestCore(technicianEnv(), { clock });
    disposers.push(t.dispose);
    t.core.start();
    const kiosk = callAs(t.core, 'kiosk');
    const other = callAs(t.core, 'laptop');
    expect(await kiosk('monitor.alerts')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await kiosk('maintenance.unlock', { pin: TECHNICIAN.pin })).toMatchObject({ value: { granted: true } });
    expect(t.core.deposit.service!.snapshot()).toMatchObject({
      state: 'out_of_service',
      outOfService: [{ code: 'maintenance', detail: 'maintenance: a technician is working on the machine' }],
    });
    expect(await kiosk('monitor.alerts')).toMatchObject({ ok: true });
    expect(await other('monitor.alerts')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await other('maintenance.session')).toEqual({ ok: true, value: null });

    // Activity pushes the idle timeout back; then 5 quiet minutes end the session.
    clock.advance(4 * 60_000);
    expect(await kiosk('maintenance.touch')).toMatchObject({ ok: true });
    clock.advance(4 * 60_000);
    expect(await kiosk('maintenance.session')).toMatchObject({ value: { technician: 'Agus' } });
    clock.advance(60_000 + 1);
    expect(await kiosk('maintenance.session')).toEqual({ ok: true, value: null });
    expect(t.core.deposit.service!.snapshot().state).toBe('idle');
    expect(auditRows(t.dir).at(-1)).toMatchObject({
      actor: 'Agus',
      action: 'maintenance.lock',
      detail: 'idle for 5 min',
    });

    // Exit, and a screen that disconnects, end it too.
    await kiosk('maintenance.unlock', { pin: TECHNICIAN.pin });
    expect(await kiosk('maintenance.lock')).toEqual({ ok: true, value: null });
    expect(t.core.deposit.service!.snapshot().state).toBe('idle');
    await other('maintenance.unlock', { pin: TECHNICIAN.pin });
    t.core.router.clientGone('laptop');
    expect(await other('maintenance.session')).toEqual({ ok: true, value: null });
    expect(t.core.deposit.service!.snapshot().state).toBe('idle');
  });

  it('closes an open customer session (with its credit) when maintenance opens', async () => {
    const t = makeTestCore(technicianEnv());
    disposers.push(t.dispose);
    t.core.start();
    const service = t.core.deposit.service!;
    service.start();
    service.identify({ kind: 'donation' });
    await service.acceptVerdict({
      className: 'pet_bottle',
      material: 'pet',
      confidence: 0.9,
      accepted: true,
      reason: null,
      box: [0, 0, 10, 10],
    });
    await callAs(t.core)('maintenance.unlock', { pin: TECHNICIAN.pin });
    const db = new Database(join(t.dir, 'rvm.db'), { readonly: true });
    const row = db.prepare(`SELECT status, total_points AS points, close_reason AS reason FROM sessions`).get();
    db.close();
    expect(row).toEqual({ status: 'closed', points: 10, reason: 'out_of_service' });
  });

  it('respects permissions, and audits each action with who and the result', async () => {
    const t = makeTestCore(technicianEnv(['view_status', 'test_hardware']), { hardware: new SimulatedHardware(10) });
    disposers.push(t.dispose);
    t.core.start();
    const call = callAs(t.core);
    await call('maintenance.unlock', { pin: TECHNICIAN.pin });
    expect(await call('maintenance.testHardware', { part: 'door' })).toMatchObject({
      ok: true,
      value: { part: 'door', ok: true, detail: expect.stringContaining('simulated') },
    });
    expect(await call('maintenance.setMachineStatus', { status: 'maintenance' })).toMatchObject({
      ok: false,
      // The permission as a field too: the screen names it in its own language.
      error: { code: 'FORBIDDEN', message: expect.stringContaining('update_config'), permission: 'update_config' },
    });
    expect(await call('maintenance.logs', { lines: 10 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('maintenance.restartWorker')).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringContaining('vision is off') },
    });
    const rows = auditRows(t.dir).filter((r) => r.action !== 'maintenance.unlock');
    expect(rows).toEqual([
      { actor: 'Agus', action: 'maintenance.testHardware', detail: '{"part":"door"}', result: 'ok' },
      {
        actor: 'Agus',
        action: 'maintenance.restartWorker',
        detail: null,
        result: expect.stringMatching(/^UNAVAILABLE: .*vision is off/),
      },
    ]);
  });

  it('exports a diagnostics bundle only below the drive roots, without secrets', async () => {
    const token = 'T'.repeat(40);
    const { dir: media, cleanup } = tempDir('rvm-media-');
    disposers.push(cleanup);
    mkdirSync(join(media, 'usb0'));
    const t = makeTestCore({
      ...technicianEnv(),
      RVM_REMOTE__TOKEN: token,
      RVM_MAINTENANCE__EXPORT_ROOTS: media,
    });
    disposers.push(t.dispose);
    t.core.start();
    await t.core.monitor.sampleNow();
    const call = callAs(t.core);
    await call('maintenance.unlock', { pin: TECHNICIAN.pin });
    expect(await call('maintenance.exportTargets')).toMatchObject({ value: [{ path: join(media, 'usb0') }] });
    expect(await call('maintenance.exportDiagnostics', { target: t.dir })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('not below a removable-drive folder') },
    });
    const done = await call('maintenance.exportDiagnostics', { target: join(media, 'usb0') });
    expect(done).toMatchObject({ ok: true });
    const bundle = (done as { value: { path: string; files: string[] } }).value;
    expect(bundle.files).toEqual(
      expect.arrayContaining(['config.json', 'health.json', 'metrics-24h.json', 'alerts.json', 'audit.json']),
    );
    const everything = bundle.files.map((f) => readFileSync(join(bundle.path, f), 'utf8')).join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(TECHNICIAN.pinHash);
    expect(JSON.parse(readFileSync(join(bundle.path, 'config.json'), 'utf8'))).toMatchObject({
      remote: { token: '(set)' },
    });
  });

  it('keeps a machine status across restarts; the bin reset clears "full"', async () => {
    const { dir, cleanup } = tempDir();
    disposers.push(cleanup);
    const first = makeTestCore(technicianEnv(), { dir });
    first.core.start();
    const call = callAs(first.core);
    await call('maintenance.unlock', { pin: TECHNICIAN.pin });
    expect(await call('maintenance.setMachineStatus', { status: 'maintenance' })).toEqual({
      ok: true,
      value: { status: 'maintenance' },
    });
    await call('maintenance.lock');
    expect(first.core.deposit.service!.snapshot()).toMatchObject({
      state: 'out_of_service',
      outOfService: [{ code: 'status', detail: 'maintenance: closed by a technician' }],
    });
    first.core.stop();
    const second = makeTestCore(technicianEnv(), { dir });
    disposers.push(() => second.core.stop());
    second.core.start();
    expect(second.core.deposit.service!.snapshot().outOfService).toEqual([
      { code: 'status', detail: 'maintenance: closed by a technician' },
    ]);
    const again = callAs(second.core);
    await again('maintenance.unlock', { pin: TECHNICIAN.pin });
    await again('maintenance.setMachineStatus', { status: 'full' });
    expect(await again('maintenance.machineStatus')).toEqual({ ok: true, value: { status: 'full' } });
    expect(await again('maintenance.resetBin')).toEqual({ ok: true, value: { binLevelPercent: 0 } });
    expect(await again('maintenance.machineStatus')).toEqual({ ok: true, value: { status: 'active' } });
    await again('maintenance.lock');
    expect(second.core.deposit.service!.snapshot()).toMatchObject({ state: 'idle', outOfService: [] });
  });

  it('v1: the platform checks the PIN first and its permissions hold; offline, local technicians still get in', async () => {
    const double = await new PlatformDouble().start();
    disposers.push(() => void double.close());
    const env = {
      RVM_PLATFORM__PROFILE: 'v1',
      RVM_PLATFORM__BASE_URL: double.url,
      RVM_PLATFORM__TIMEOUT_MS: '1000',
      RVM_MAINTENANCE__TECHNICIANS: JSON.stringify([{ name: 'Local Lina', pinHash: TECHNICIAN.pinHash }]),
    };
    const prepare = (dir: string) =>
      writeFileSync(
        join(dir, 'rvm-credentials.json'),
        JSON.stringify({
          serial_number: double.o.serial,
          api_key: double.o.apiKey,
          name: 'T',
          generated_at: '2026-11-01',
        }),
      );
    const t = makeTestCore(env, { prepare });
    disposers.push(t.dispose);
    t.core.start();
    const call = callAs(t.core);
    await waitFor('the handshake', () => t.core.platform.status().state === 'online');
    // The double knows 246810 as "Agus (technician)": the platform's answer wins over the local hash.
    expect(await call('maintenance.unlock', { pin: TECHNICIAN.pin })).toMatchObject({
      value: {
        granted: true,
        session: {
          technician: 'Agus (technician)',
          source: 'platform',
          permissions: ['view_status', 'view_logs', 'test_hardware'],
        },
      },
    });
    // No reboot_machine on the platform: reload is refused.
    expect(await call('maintenance.reloadUi')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await call('maintenance.lock');
    await double.close();
    expect(await call('maintenance.unlock', { pin: TECHNICIAN.pin })).toMatchObject({
      value: { granted: true, session: { technician: 'Local Lina', source: 'local' } },
    });
  });
});
