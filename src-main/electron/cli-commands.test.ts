import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCore } from '../../test/support/test-core';
import { runCliInElectron } from './cli-main';
import { CLI_COMMANDS, findCliCommand } from '../cli/commands';

describe('rvm-kiosk <command>', () => {
  const exe = '/opt/RVM Kiosk/rvm-kiosk';

  it('finds the command after the launcher’s Chromium switches; the kiosk’s own start has none', () => {
    expect(findCliCommand([exe, '--ozone-platform=headless', '--disable-gpu', 'maintenance', 'audit', '3'], 1)).toEqual(
      {
        name: 'maintenance',
        args: ['audit', '3'],
      },
    );
    expect(findCliCommand([exe, '--ozone-platform=wayland'], 1)).toBeUndefined();
    expect(findCliCommand([exe], 1)).toBeUndefined();
    // `electron . store stats` on a development machine.
    expect(findCliCommand(['electron', '.', 'store', 'stats'], 2)).toEqual({ name: 'store', args: ['stats'] });
    expect(findCliCommand([exe, '--help'], 1)).toEqual({ name: 'help', args: [] });
    expect(findCliCommand([exe, 'frobnicate'], 1)).toEqual({ name: 'unknown', args: ['frobnicate'] });
  });

  it('lists every command and exits 0 for help; a typo is answered with the list and exit 2, never a second kiosk', async () => {
    const exits: number[] = [];
    const lines: string[] = [];
    const app = { exit: (code?: number) => void exits.push(code ?? 0) };
    await runCliInElectron(app, findCliCommand([exe, 'help'], 1)!, (l) => lines.push(l));
    for (const name of Object.keys(CLI_COMMANDS)) expect(lines.join('\n')).toContain(`  ${name} `);
    await runCliInElectron(app, findCliCommand([exe, 'frobnicate'], 1)!, (l) => lines.push(l));
    expect(lines.join('\n')).toContain('unknown command "frobnicate"');
    expect(exits).toEqual([0, 2]);
  });

  describe('runs a real command on the kiosk’s data folder', () => {
    const env = makeTestCore();
    const before = process.env.RVM_DATA_DIR;
    afterEach(() => {
      process.env.RVM_DATA_DIR = before;
      env.dispose();
    });

    it('store stats, through the same entry the installed kiosk uses', async () => {
      env.core.start();
      process.env.RVM_DATA_DIR = env.dir;
      const exits: number[] = [];
      const lines: string[] = [];
      const code = await runCliInElectron(
        { exit: (c?: number) => void exits.push(c ?? 0) },
        findCliCommand([exe, '--ozone-platform=headless', 'store', 'stats'], 1)!,
        (l) => lines.push(l),
      );
      expect(code).toBe(0);
      expect(exits).toEqual([0]);
      expect(lines.join('\n')).toMatch(/sessions/i);
    });
  });
});
