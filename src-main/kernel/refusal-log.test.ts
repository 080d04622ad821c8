import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock';
import type { Logger } from '../log/logger';
import { RefusalLog } from './refusal-log';

describe('RefusalLog', () => {
  it('logs the first of a kind, then one count per interval while it goes on, then the first again', () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const logger = { warn: (m: string) => lines.push(m) } as unknown as Logger;
    const log = new RefusalLog(logger, clock, 1_000);
    for (let i = 0; i < 500; i++) log.note('bad frame', `client ${i}`);
    log.note('wrong code', 'screen 1');
    expect(lines).toEqual(['bad frame: client 0', 'wrong code: screen 1']);
    clock.advance(1_000);
    expect(lines.slice(2)).toEqual(['bad frame: 499 more in the last 1 s']);
    log.note('bad frame', 'client 500');
    clock.advance(1_000);
    expect(lines.slice(3)).toEqual(['bad frame: 1 more in the last 1 s']);
    clock.advance(2_000); // a quiet interval
    log.note('bad frame', 'client 501');
    expect(lines.at(-1)).toBe('bad frame: client 501');
    log.stop();
  });
});
