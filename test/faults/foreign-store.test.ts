// A database copied from another machine (a swapped SD card, a restore onto new hardware): it must not
// be adopted silently (its deposits delivered as ours), must not be changed or deleted, and the
// technician chooses: adopt it, or keep it aside and start empty.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runStoreCli } from '../../src-main/store/store.cli';
import { faultWatch } from '../support/fault-table';
import { callAs, makeTestCore, tempDir } from '../support/test-core';
import { TECHNICIAN, technicianEnv } from '../support/technician';
import { petVerdict } from '../support/verdicts';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
function machine() {
  const t = tempDir('rvm-machine-');
  dirs.push(t);
  return t.dir;
}

/** Machine A with one closed deposit session (10 points); machine B set up on its own. */
async function twoMachines() {
  const a = machine();
  const coreA = makeTestCore({}, { dir: a });
  coreA.core.start();
  const service = coreA.core.deposit.service!;
  service.start();
  service.identify({ kind: 'guest' });
  await service.acceptVerdict(petVerdict);
  service.finish();
  coreA.core.stop();
  const b = machine();
  const coreB = makeTestCore({}, { dir: b });
  coreB.core.stop();
  // B's database replaced by A's (as copying the files would).
  for (const suffix of ['', '-wal', '-shm']) {
    const from = join(a, `rvm.db${suffix}`);
    if (existsSync(from)) copyFileSync(from, join(b, `rvm.db${suffix}`));
  }
  return { a, b };
}
const cli = (argv: string[], dir: string) => {
  const lines: string[] = [];
  const code = runStoreCli(argv, (l) => lines.push(l), { RVM_DATA_DIR: dir });
  return { code, text: lines.join('\n') };
};

describe('a database from another machine', () => {
  it('puts the machine out of service with the reason and the choice; nothing is delivered', async ({ task }) => {
    const { b } = await twoMachines();
    // Healing is the technician's choice (adopt or start empty), so the table shows no heal time.
    const watch = faultWatch(task, 'database from another machine', { loop: false });
    watch.inject();
    const env = makeTestCore({}, { dir: b });
    try {
      expect(env.core.deposit.service).toBeUndefined();
      expect(env.core.store.repos?.outbox).toBeUndefined(); // the platform has nothing of it to deliver
      const health = env.core.health.snapshot();
      expect(health.status).toBe('out_of_service');
      expect(JSON.stringify(health)).toMatch(/belongs to another machine.*rvm-kiosk store adopt --yes.*start-empty/);
      watch.detected();
      // stats still read it (read-only): the foreign session is there, untouched.
      expect(cli(['stats'], b).text).toMatch(/sessions/i);
      watch.done(0);
    } finally {
      env.core.stop();
    }
  });

  it('adopt --yes makes it this machine’s (after asking for the confirmation)', async () => {
    const { b } = await twoMachines();
    expect(cli(['adopt'], b)).toMatchObject({ code: 2, text: expect.stringContaining('--yes') });
    expect(cli(['adopt', '--yes'], b)).toMatchObject({ code: 0 });
    const env = makeTestCore({}, { dir: b });
    try {
      expect(env.core.deposit.service).toBeDefined();
      expect(env.core.store.repos!.sessions.pointsSince(0)).toBe(10);
    } finally {
      env.core.stop();
    }
  });

  it('start-empty keeps it aside (nothing deleted) and the machine starts with a new database', async () => {
    const { b } = await twoMachines();
    expect(cli(['start-empty'], b)).toMatchObject({ code: 0, text: expect.stringContaining('rvm.foreign-') });
    expect(readdirSync(b).some((f) => /^rvm\.foreign-.*\.db$/.test(f))).toBe(true);
    const env = makeTestCore({}, { dir: b });
    try {
      expect(env.core.deposit.service).toBeDefined();
      expect(env.core.store.repos!.sessions.pointsSince(0)).toBe(0);
    } finally {
      env.core.stop();
    }
  });

  it('the technician chooses on the maintenance screen; the kiosk restarts into the chosen database', async () => {
    const { b } = await twoMachines();
    let restarts = 0;
    const env = makeTestCore(technicianEnv(), { dir: b, restart: () => restarts++ });
    try {
      env.core.start();
      const call = callAs(env.core);
      await call('maintenance.unlock', { pin: TECHNICIAN.pin });
      expect(await call('maintenance.storeOwner')).toEqual({ ok: true, value: { foreign: true } });
      expect(await call('maintenance.resolveForeignStore', { choice: 'adopt' })).toMatchObject({
        ok: true,
        value: { restarting: true, detail: expect.stringContaining('this machine now owns the database') },
      });
      expect(restarts).toBe(1);
    } finally {
      env.core.stop();
    }
    const after = makeTestCore(technicianEnv(), { dir: b });
    try {
      after.core.start();
      expect(after.core.store.repos!.sessions.pointsSince(0)).toBe(10);
      const call = callAs(after.core);
      await call('maintenance.unlock', { pin: TECHNICIAN.pin });
      // Its own database now: there is nothing to choose.
      expect(await call('maintenance.resolveForeignStore', { choice: 'start_empty' })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_STATE' },
      });
    } finally {
      after.core.stop();
    }
  });
});
