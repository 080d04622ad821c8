import { describe, expect, it } from 'vitest';
import { FrameQueue } from './frame-queue';

describe('FrameQueue', () => {
  it('keeps the newest two frames, dropping and counting the oldest', async () => {
    const q = new FrameQueue<number>(2);
    [1, 2, 3, 4].forEach((n) => q.push(n));
    expect(q.dropped).toBe(2);
    expect(q.depth).toBe(2);
    expect(await q.next()).toBe(3);
    expect(await q.next()).toBe(4);
  });

  it('hands a frame straight to a waiting consumer, and ends when closed', async () => {
    const q = new FrameQueue<number>(2);
    const waiting = q.next();
    q.push(7);
    expect(await waiting).toBe(7);
    const last = q.next();
    q.close();
    expect(await last).toBeUndefined();
    q.push(8);
    expect(await q.next()).toBeUndefined();
  });
});
