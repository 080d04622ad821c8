import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('gives a burst, then tokens at its rate, and says when the next comes', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(clock, 2, 3);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    expect(bucket.retryAfterMs()).toBe(500);
    clock.advance(499);
    expect(bucket.take()).toBe(false);
    clock.advance(1);
    expect(bucket.take()).toBe(true);
    clock.advance(60_000);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});
