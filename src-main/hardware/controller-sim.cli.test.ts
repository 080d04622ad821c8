import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { createLogger } from '../log/logger';
import { runControllerSimCli } from './controller-sim.cli';
import { SerialHardware, serialPortOpener } from './serial.hardware';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('rvm-kiosk controller-sim', () => {
  it('serves protocol 1 on a real pseudo-terminal; typed faults reach the kiosk and clear', async () => {
    const t = tempDir('rvm-sim-cli-');
    cleanups.push(t.cleanup);
    const path = join(t.dir, 'ttyRVM');
    const input = new PassThrough();
    const lines: string[] = [];
    const exit = runControllerSimCli([path], (line) => lines.push(line), input);
    await expect.poll(() => lines.join('\n')).toContain(`reference controller on ${path}`);
    const hw = new SerialHardware(serialPortOpener(path, 115200), logger, { present: () => existsSync(path) });
    cleanups.push(() => hw.close());
    await expect.poll(() => hw.health()).toEqual({ ok: true });
    await hw.acceptItem();

    input.write('jam conveyor_stalled\n');
    await expect
      .poll(async () => (await hw.acceptItem().catch((e: Error) => e.message)) ?? 'ok')
      .toMatch(/conveyor stalled/);
    expect(hw.health()).toEqual({ ok: false, reason: 'hardware fault: conveyor stalled' });
    input.write('clear\n');
    await expect.poll(() => hw.health()).toEqual({ ok: true });

    input.write('unplug\n');
    await expect.poll(() => hw.health()).toMatchObject({ ok: false, reason: expect.stringContaining('not connected') });
    input.write('plug\n');
    await expect.poll(() => hw.health(), { timeout: 15_000 }).toEqual({ ok: true });

    input.write('jam nonsense\nquit\n');
    expect(await exit).toBe(0);
    expect(lines.join('\n')).toContain('unknown code "nonsense"');
  });

  it('refuses a relative path and a bad --boot-ms with what to type instead', async () => {
    const out: string[] = [];
    expect(await runControllerSimCli(['ttyRVM'], (l) => out.push(l), new PassThrough())).toBe(2);
    expect(await runControllerSimCli(['--boot-ms', 'soon'], (l) => out.push(l), new PassThrough())).toBe(2);
    expect(out).toEqual([
      '"ttyRVM" is not an absolute path; try /tmp/rvm-controller',
      '--boot-ms needs a number of milliseconds, e.g. --boot-ms 1500',
    ]);
  });
});
