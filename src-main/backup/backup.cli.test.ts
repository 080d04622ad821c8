import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCore, tempDir } from '../../test/support/test-core';
import { runBackupCli } from './backup.cli';

describe('npm run backup', () => {
  let dispose = () => {};
  afterEach(() => dispose());

  it('creates, lists, verifies and stages a restore; bad ids and kinds get a usage line', async () => {
    const t = makeTestCore();
    dispose = t.dispose;
    // An open session: the online backup is consistent all the same.
    t.core.deposit.service!.start();
    t.core.deposit.service!.identify({ kind: 'guest' });
    const lines: string[] = [];
    const run = (...argv: string[]) => runBackupCli(argv, (l) => lines.push(l), { RVM_DATA_DIR: t.dir });
    expect(await run('create')).toBe(0);
    const id = lines[0]!.split('  ')[0]!;
    expect(lines[0]).toMatch(/database .*verified integrity ok; sessions 1, items 0/);
    expect(await run('create', 'photos')).toBe(2);
    lines.length = 0;
    expect(await run('list')).toBe(0);
    expect(lines[0]).toContain(id);
    expect(lines.at(-1)).toMatch(/MB in .*backups \(\d/);
    expect(await run('verify', id)).toBe(0);
    expect(await run('verify', 'nope')).toBe(1);
    lines.length = 0;
    expect(await run('restore', id)).toBe(0);
    expect(lines.join('\n')).toMatch(/safety backup: .*database[\s\S]*restart the kiosk/);
    expect(existsSync(join(t.dir, 'rvm.db.restore'))).toBe(true);
    expect(await run('restore')).toBe(2);
  });

  it('in a folder without a database: says so for a database backup, and restores one without a safety copy', async () => {
    const fresh = tempDir('rvm-fresh-');
    const t = makeTestCore();
    dispose = () => {
      t.dispose();
      fresh.cleanup();
    };
    const lines: string[] = [];
    const run = (dir: string, ...argv: string[]) => runBackupCli(argv, (l) => lines.push(l), { RVM_DATA_DIR: dir });
    expect(await run(fresh.dir, 'create')).toBe(1);
    expect(lines).toEqual([
      `no database yet at ${join(fresh.dir, 'rvm.db')} — has the kiosk run here? Start it once (npm run serve, or systemctl start rvm-kiosk), or set RVM_DATA_DIR to the kiosk's data folder`,
    ]);
    // Nothing was written there, not even a machine secret.
    expect(existsSync(join(fresh.dir, 'machine-secret'))).toBe(false);

    // A replaced disk: the machine secret and the backups are copied back, the database is not there yet.
    expect(await run(t.dir, 'create')).toBe(0);
    const id = lines.at(-1)!.split('  ')[0]!;
    cpSync(join(t.dir, 'machine-secret'), join(fresh.dir, 'machine-secret'));
    cpSync(join(t.dir, 'backups'), join(fresh.dir, 'backups'), { recursive: true });
    lines.length = 0;
    expect(await run(fresh.dir, 'restore', id)).toBe(0);
    expect(lines[0]).toBe(`no database at ${join(fresh.dir, 'rvm.db')} yet: no safety backup needed`);
    expect(existsSync(join(fresh.dir, 'rvm.db.restore'))).toBe(true);
  });
});
