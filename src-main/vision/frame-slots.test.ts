import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { FrameSlots } from './frame-slots';

describe('frame slots in RAM', () => {
  const base = tempDir('rvm-slots-');
  const slots = new FrameSlots(2, base.dir);
  afterEach(() => slots.close());

  it('keeps each frame in its own byte range until it is released, then reuses the range', () => {
    const a = new Uint8Array(300).fill(1);
    const b = new Uint8Array(300).fill(2);
    const first = slots.put(a)!;
    const second = slots.put(b)!;
    expect(first.offset).not.toBe(second.offset);
    // Both slots are taken: the next frame goes in its message (undefined), none is overwritten.
    expect(slots.put(new Uint8Array(300).fill(3))).toBeUndefined();
    const bytes = readFileSync(first.file);
    expect(bytes.subarray(first.offset, first.offset + 300)).toEqual(Buffer.from(a));
    expect(bytes.subarray(second.offset, second.offset + 300)).toEqual(Buffer.from(b));
    slots.release(first);
    slots.release(first); // twice (a hang and a late answer) frees it once
    const third = slots.put(new Uint8Array(300).fill(4))!;
    expect(third.offset).toBe(first.offset);
    expect(slots.put(new Uint8Array(300))).toBeUndefined();
  });

  it('sends a larger frame (another model size) in its message', () => {
    expect(slots.put(new Uint8Array(100))).toBeDefined();
    expect(slots.put(new Uint8Array(101))).toBeUndefined();
  });

  it('removes its file on close and the files of kiosk processes that died', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const orphan = join(base.dir, `rvm-frames-${dead}-abc`);
    mkdirSync(orphan);
    const slot = slots.put(new Uint8Array(10))!;
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(slot.file)).toBe(true);
    slots.close();
    expect(readdirSync(base.dir)).toEqual([]);
  });

  it('falls back to messages when there is nowhere to write', () => {
    const nowhere = new FrameSlots(2, join(base.dir, 'missing', 'dir'));
    expect(nowhere.put(new Uint8Array(10))).toBeUndefined();
    expect(nowhere.put(new Uint8Array(10))).toBeUndefined();
  });
});
