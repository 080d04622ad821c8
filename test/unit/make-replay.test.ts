import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeReplay } from '../../scripts/demo/replay-frames';
import { tempDir } from '../support/test-core';

const PHOTO = resolve('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');
const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

describe('npm run replay:make', () => {
  it('writes each item between empty-chamber frames, and refuses a folder that is not empty', async () => {
    const t = tempDir('rvm-replay-make-');
    dirs.push(t);
    const folder = join(t.dir, 'replay');
    expect(await makeReplay([PHOTO, PHOTO], folder)).toBe(40);
    expect(readdirSync(folder)).toHaveLength(40); // 8 empty, 8 item, 8 empty, 8 item, 8 empty
    await expect(makeReplay([PHOTO], folder)).rejects.toThrow(/is not empty: give a new or empty folder/);
    await expect(makeReplay([join(t.dir, 'no-such.jpg')], join(t.dir, 'other'))).rejects.toThrow(
      /cannot read .*no-such\.jpg as an image/,
    );
  });
});
