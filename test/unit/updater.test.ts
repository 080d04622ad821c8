import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callAs, makeTestCore, tempDir } from '../support/test-core';
import { TECHNICIAN, technicianEnv } from '../support/technician';
import { waitFor } from '../support/wait-for';

const UPDATER = resolve('build/linux/rvm-kiosk-update');
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** A real (empty) Debian package built with dpkg-deb. */
function makeDeb(dir: string, pkg: string, version: string): string {
  const root = join(dir, `${pkg}-${version}`);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  writeFileSync(
    join(root, 'DEBIAN', 'control'),
    `Package: ${pkg}\nVersion: ${version}\nArchitecture: all\nMaintainer: test <t@example.invalid>\nDescription: test\n`,
  );
  const out = join(dir, `${pkg}_${version}_all.deb`);
  const run = spawnSync('dpkg-deb', ['--build', '--root-owner-group', root, out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`dpkg-deb failed: ${run.stderr}`);
  return out;
}

/** The updater's apt-get call: a local file (its full path), unattended, downgrades allowed (rollback). */
const aptInstall = (file: string) =>
  `noninteractive install -y --allow-downgrades -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold ${join(realpathSync(dirname(file)), basename(file))}`;

function setup() {
  const t = makeTestCore(technicianEnv());
  cleanups.push(() => t.dispose());
  t.core.start();
  const work = tempDir('rvm-update-');
  cleanups.push(work.cleanup);
  // apt-get itself needs a real system to install into: a recorder stands in for it (the real one is run
  // in a throw-away root by packaging-deb.test.ts).
  const aptLog = join(work.dir, 'apt-get.log');
  const fakeApt = join(work.dir, 'apt-get');
  writeFileSync(fakeApt, `#!/bin/sh\necho "$DEBIAN_FRONTEND $*" >> '${aptLog}'\n`);
  chmodSync(fakeApt, 0o755);
  const env = { ...process.env, RVM_DATA_DIR: t.dir, RVM_UPDATES_DIR: join(work.dir, 'updates'), APT_GET: fakeApt };
  const run = (...args: string[]) => {
    const child = spawn(UPDATER, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const done = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
    cleanups.push(() => child.kill());
    return { done, output: () => output };
  };
  const installed = () => (existsSync(aptLog) ? readFileSync(aptLog, 'utf8').trim().split('\n') : []);
  return { ...t, work: work.dir, run, installed, updates: join(work.dir, 'updates') };
}

describe('rvm-kiosk-update (the safe window)', () => {
  it('waits for the open customer session, holds customers off while installing, and keeps the previous version', async () => {
    const s = setup();
    const call = callAs(s.core);
    const v1 = makeDeb(s.work, 'rvm-kiosk', '0.1.0');
    const v2 = makeDeb(s.work, 'rvm-kiosk', '0.2.0');
    expect(await call('deposit.start')).toMatchObject({ ok: true });

    const first = s.run('install', v1, '--wait-minutes', '1');
    // The updater asks for the window; the kiosk, with a customer at it, does not give it.
    await waitFor('the update asks for the window', () => existsSync(join(s.dir, 'update', 'request')), 15_000);
    s.core.updates.poll();
    expect(existsSync(join(s.dir, 'update', 'ready'))).toBe(false);
    expect(s.installed()).toEqual([]); // a customer is at the machine

    expect(await call('deposit.cancel')).toMatchObject({ ok: true });
    expect(await first.done).toBe(0);
    expect(s.installed()).toEqual([aptInstall(v1)]);
    expect(first.output()).toMatch(/installed 0\.1\.0; previous kept: none/);
    // The request is gone: the kiosk takes customers again within a poll.
    expect(existsSync(join(s.dir, 'update', 'request'))).toBe(false);
    await waitFor('customers let in again', () => !s.core.updates.holding, 5000);
    expect(await call('deposit.start')).toMatchObject({ ok: true });
    expect(await call('deposit.cancel')).toMatchObject({ ok: true });

    const second = s.run('install', v2, '--wait-minutes', '1');
    expect(await second.done).toBe(0);
    expect(second.output()).toMatch(/installed 0\.2\.0; previous kept: 0\.1\.0/);

    const back = s.run('rollback', '--wait-minutes', '1');
    expect(await back.done).toBe(0);
    expect(back.output()).toMatch(/installed 0\.1\.0; previous kept: 0\.2\.0/);
    expect(s.installed().at(-1)).toBe(aptInstall(join(s.updates, 'rollback.deb')));
  }, 40_000);

  it('never opens during maintenance, and holds new customers off while open', async () => {
    const s = setup();
    const tech = callAs(s.core, 'technician-screen');
    expect(await tech('maintenance.unlock', { pin: TECHNICIAN.pin })).toMatchObject({ ok: true });
    mkdirSync(join(s.dir, 'update'), { recursive: true });
    writeFileSync(join(s.dir, 'update', 'request'), 'now\n');
    s.core.updates.poll();
    expect(s.core.updates.holding).toBe(false);
    expect(existsSync(join(s.dir, 'update', 'ready'))).toBe(false);
    expect(await tech('maintenance.lock')).toMatchObject({ ok: true });
    // Leaving maintenance looks at the request at once.
    expect(s.core.updates.holding).toBe(true);
    expect(existsSync(join(s.dir, 'update', 'ready'))).toBe(true);
    const started = await callAs(s.core)('deposit.start');
    expect(started).toMatchObject({ ok: false, error: { code: 'OUT_OF_SERVICE' } });
    expect(JSON.stringify(started)).toContain('updating');
  });

  it('refuses a file that is not an rvm-kiosk package, installing nothing', async () => {
    const s = setup();
    const other = makeDeb(s.work, 'something-else', '1.0.0');
    const run = s.run('install', other, '--wait-minutes', '1');
    expect(await run.done).toBe(1);
    expect(run.output()).toContain("is the package 'something-else', not rvm-kiosk");
    const garbage = join(s.work, 'garbage.deb');
    writeFileSync(garbage, 'not a deb');
    const bad = s.run('install', garbage);
    expect(await bad.done).toBe(1);
    expect(bad.output()).toContain('is not a Debian package');
    const none = s.run('rollback');
    expect(await none.done).toBe(1);
    expect(none.output()).toContain('no previous version is kept');
    expect(s.installed()).toEqual([]);
    expect(existsSync(join(s.dir, 'update', 'request'))).toBe(false);
  });

  it('gives up without installing when the kiosk stays busy', async () => {
    const s = setup();
    expect(await callAs(s.core)('deposit.start')).toMatchObject({ ok: true });
    const run = s.run('install', makeDeb(s.work, 'rvm-kiosk', '0.3.0'), '--wait-minutes', '0');
    expect(await run.done).toBe(1);
    expect(run.output()).toContain('did not become idle within 0 min');
    expect(s.installed()).toEqual([]);
    expect(existsSync(join(s.dir, 'update', 'request'))).toBe(false);
  });
});
