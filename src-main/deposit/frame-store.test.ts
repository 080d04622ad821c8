import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { createLogger } from '../log/logger';
import { FrameStore } from './frame-store';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

/** A noisy 640×480 frame: JPEG cannot squeeze it much (≈ 300–400 KB). */
function noise(seed: number) {
  const rgb = new Uint8Array(640 * 480 * 3);
  let s = seed;
  for (let i = 0; i < rgb.length; i++) rgb[i] = (s = (s * 1103515245 + 12345) % 2 ** 31) >> 23;
  return { rgb, width: 640, height: 480 };
}

const folderBytes = (dir: string) => readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

describe('FrameStore (verdict frames waiting for upload)', () => {
  it('keeps the folder within deposit.framesMaxMb: the oldest go first, the newest stay', async () => {
    const t = tempDir('rvm-frames-');
    dirs.push(t);
    const dir = join(t.dir, 'frames');
    const frames = new FrameStore({ dir, keep: true, maxMb: 1, logger });
    const paths: string[] = [];
    for (let i = 0; i < 8; i++) paths.push((await frames.save(noise(i + 1)))!);
    expect(paths.every((p) => p.startsWith(dir))).toBe(true);
    expect(folderBytes(dir)).toBeLessThanOrEqual(2 ** 20);
    expect(existsSync(paths.at(-1)!)).toBe(true);
    expect(existsSync(paths[0]!)).toBe(false);
  });

  it('a frame delivered (deleted) meanwhile is not counted against the budget', async () => {
    const t = tempDir('rvm-frames-');
    dirs.push(t);
    const dir = join(t.dir, 'frames');
    const frames = new FrameStore({ dir, keep: true, maxMb: 1, logger });
    const first = (await frames.save(noise(1)))!;
    for (let i = 0; i < 6; i++) {
      const path = (await frames.save(noise(i + 2)))!;
      rmSync(path); // delivered at once
    }
    expect(existsSync(first)).toBe(true);
  });

  it('keeps nothing without a platform to upload to, and never throws when it cannot write', async () => {
    const t = tempDir('rvm-frames-');
    dirs.push(t);
    expect(await new FrameStore({ dir: join(t.dir, 'frames'), keep: false, maxMb: 1, logger }).save(noise(1))).toBe(
      undefined,
    );
    expect(existsSync(join(t.dir, 'frames'))).toBe(false);
    // A file where the folder should be: the frame cannot be written; the item still counts.
    writeFileSync(join(t.dir, 'blocker'), '');
    const blocked = new FrameStore({ dir: join(t.dir, 'blocker', 'frames'), keep: true, maxMb: 1, logger });
    expect(await blocked.save(noise(1))).toBeUndefined();
  });
});
