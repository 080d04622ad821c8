import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { createLogger } from './logger';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

describe('createLogger', () => {
  it('writes scoped lines to the file and never a secret or bearer token', () => {
    const t = tempDir('rvm-log-');
    dirs.push(t);
    const secret = 'S3cr3t-token-value-0123456789abcdef';
    const log = createLogger({ dir: t.dir, level: 'info', maxFileMb: 1, console: false, secrets: [secret] });
    log.scope('remote').warn(`refused token ${secret}`, { header: 'Bearer abcdefghijklmnop' });
    log.debug('below the level');
    const text = readFileSync(join(t.dir, 'rvm-kiosk.log'), 'utf8');
    expect(text).toMatch(/\[warn\].*\(remote\).*refused token \[redacted\]/);
    expect(text).toContain('Bearer [redacted]');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('abcdefghijklmnop');
    expect(text).not.toContain('below the level');
  });

  it('rotates at the size limit and keeps a bounded number of files', () => {
    const t = tempDir('rvm-log-');
    dirs.push(t);
    const log = createLogger({ dir: t.dir, level: 'info', maxFileMb: 0.01, keepFiles: 3, console: false });
    const line = 'x'.repeat(1000);
    for (let i = 0; i < 100; i++) log.info(`${i} ${line}`);
    const files = readdirSync(t.dir).sort();
    expect(files).toEqual(['rvm-kiosk.1.log', 'rvm-kiosk.2.log', 'rvm-kiosk.3.log', 'rvm-kiosk.log']);
    expect(readFileSync(join(t.dir, 'rvm-kiosk.log'), 'utf8')).toContain('99 x');
  });
});
