// A full disk for real: the kiosk's data folder on a 4 MB tmpfs, filled to the last byte mid-session.
// The machine must go out of service with a plain reason, keep every committed credit, and come back
// by itself when space is freed (no restart). Needs root (mount); skipped with the reason elsewhere.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STORAGE_RETRY_MS } from '../../src-main/deposit/storage-recovery';
import { FakeClock } from '../support/fake-clock';
import { faultWatch } from '../support/fault-table';
import { makeTestCore } from '../support/test-core';
import { petVerdict } from '../support/verdicts';

const mountPoint = mkdtempSync(join(tmpdir(), 'rvm-full-'));
const mounted =
  process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]).status === 0;
afterAll(() => {
  if (mounted) spawnSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Fills the file system to the last byte; returns the filler's path. */
function fill(dir: string): string {
  const filler = join(dir, 'filler.bin');
  spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
  spawnSync('dd', ['if=/dev/zero', `of=${join(dir, 'filler-tail.bin')}`, 'bs=512'], { stdio: 'ignore' });
  return filler;
}

const verdict = petVerdict;

describe.skipIf(!mounted)('a full disk (tmpfs, 4 MB)', () => {
  it('is a state: out of service with a plain reason, no credit lost, back in service when space is freed', async ({
    task,
  }) => {
    const clock = new FakeClock();
    const watch = faultWatch(task, 'disk full mid-session (tmpfs; kiosk clock)', { now: () => clock.now() });
    const env = makeTestCore({ RVM_DEPOSIT__MIN_FREE_MB: '1' }, { dir: join(mountPoint, 'data'), clock });
    try {
      env.core.start();
      const service = env.core.deposit.service!;
      service.start();
      service.identify({ kind: 'guest' });
      const first = await service.acceptVerdict(verdict);
      expect(first.points).toBe(10);
      service.chamberCleared();

      const filler = fill(mountPoint);
      watch.inject();
      // Until SQLite needs a new page, writes can still land in space it holds; then they fail.
      let refused: Error | undefined;
      for (let i = 0; i < 500 && !refused; i++) {
        try {
          await service.acceptVerdict(verdict);
          service.chamberCleared();
        } catch (error) {
          refused = error as Error;
        }
      }
      expect(refused?.message).toMatch(/storage full/);
      watch.detected();
      const down = service.snapshot();
      expect(down.state).toBe('out_of_service');
      expect(down.outOfService).toContainEqual({
        code: 'storage',
        detail: 'storage full: the machine cannot save deposits',
      });
      expect(env.core.health.snapshot().status).toBe('out_of_service');
      expect((await env.core.monitor.sampleNow()).storageFault).toBe(1);
      expect(env.core.monitor.alerts.active().map((a) => a.rule)).toContain('storage_fault');
      // No new customer while it is full.
      expect(() => service.start()).toThrow(/storage full/);
      const sessionId = first.sessionId;
      const committed = env.core.store.repos!.sessions.get(sessionId)!.totalPoints;
      expect(committed).toBeGreaterThanOrEqual(10);

      // Space comes back: within one retry the session is closed with its credit and customers return.
      rmSync(filler);
      rmSync(join(mountPoint, 'filler-tail.bin'), { force: true });
      watch.clear();
      clock.advance(STORAGE_RETRY_MS);
      expect(service.snapshot()).toMatchObject({ state: 'idle', outOfService: [] });
      watch.healed();
      const closed = env.core.store.repos!.sessions.get(sessionId)!;
      expect(closed.closedAt).not.toBeNull();
      expect(closed.totalPoints).toBe(committed);
      expect(service.start().state).toBe('identifying');
      watch.done(committed - closed.totalPoints);
    } finally {
      env.core.stop();
      rmSync(join(mountPoint, 'data'), { recursive: true, force: true });
    }
  });

  it('refuses new sessions below deposit.minFreeMb and returns by itself above it', async () => {
    const clock = new FakeClock();
    const env = makeTestCore({ RVM_DEPOSIT__MIN_FREE_MB: '1' }, { dir: join(mountPoint, 'data2'), clock });
    try {
      env.core.start();
      const service = env.core.deposit.service!;
      const filler = join(mountPoint, 'filler.bin');
      writeFileSync(filler, Buffer.alloc(0));
      execFileSync('fallocate', ['-l', '3500k', filler]);
      expect(() => service.start()).toThrow(/storage full/);
      rmSync(filler);
      clock.advance(STORAGE_RETRY_MS);
      expect(service.start().state).toBe('identifying');
    } finally {
      env.core.stop();
      rmSync(join(mountPoint, 'data2'), { recursive: true, force: true });
    }
  });
});
