import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCore } from '../../test/support/test-core';
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
});
