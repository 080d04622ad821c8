import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/test-core';

const PHOTO = resolve('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');
const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/make-replay.mjs', ...args], { encoding: 'utf8' });

describe('npm run replay:make', () => {
  it('writes each item between empty-chamber frames, and refuses a folder that is not empty', () => {
    const t = tempDir('rvm-replay-make-');
    dirs.push(t);
    const folder = join(t.dir, 'replay');
    const made = run(PHOTO, PHOTO, folder);
    expect(made.status).toBe(0);
    expect(made.stdout).toContain('40 frames');
    expect(readdirSync(folder)).toHaveLength(40); // 8 empty, 8 item, 8 empty, 8 item, 8 empty
    const again = run(PHOTO, folder);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/is not empty: give a new or empty folder/);
    const bad = run(join(t.dir, 'no-such.jpg'), join(t.dir, 'other'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/cannot read .*no-such\.jpg as an image/);
  });
});
