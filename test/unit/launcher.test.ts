// build/linux/launcher.sh becomes /usr/bin/rvm-kiosk: it starts the kiosk, or a technician command
// in the same binary without a display. Run here with a recording stand-in for the Electron binary.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_COMMANDS } from '../../src-main/cli/commands';
import { tempDir } from '../support/test-core';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function launcher() {
  const t = tempDir('rvm-launcher-');
  dirs.push(t);
  const app = join(t.dir, 'rvm-kiosk-binary');
  writeFileSync(app, `#!/bin/sh\nprintf '%s\\n' "RVM_DATA_DIR=$RVM_DATA_DIR" "$@"\n`);
  chmodSync(app, 0o755);
  const script = join(t.dir, 'rvm-kiosk');
  const text = readFileSync('build/linux/launcher.sh', 'utf8');
  expect(text).toContain("APP='/opt/RVM Kiosk/rvm-kiosk'");
  writeFileSync(script, text.replace("APP='/opt/RVM Kiosk/rvm-kiosk'", `APP='${app}'`));
  chmodSync(script, 0o755);
  return (args: string[], env: NodeJS.ProcessEnv = {}) =>
    execFileSync(script, args, { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' })
      .trim()
      .split('\n');
}

describe('/usr/bin/rvm-kiosk (build/linux/launcher.sh)', () => {
  it('runs every technician command headless, without sandbox or GPU, on the kiosk’s data folder', () => {
    const run = launcher();
    for (const command of [...Object.keys(CLI_COMMANDS), 'help']) {
      expect(run([command, '--help'])).toEqual([
        'RVM_DATA_DIR=/var/lib/rvm-kiosk',
        '--ozone-platform=headless',
        '--disable-gpu',
        '--no-sandbox',
        command,
        '--help',
      ]);
    }
    expect(run(['backup', 'list'], { RVM_DATA_DIR: '/srv/kiosk' })[0]).toBe('RVM_DATA_DIR=/srv/kiosk');
    // A typo goes the same way, so the binary can answer it with the list (no display needed).
    expect(run(['bakcup'])).toContain('--ozone-platform=headless');
  });

  it('starts the kiosk itself with the arguments systemd gives, untouched', () => {
    expect(launcher()(['--ozone-platform=wayland'])).toEqual([
      'RVM_DATA_DIR=/var/lib/rvm-kiosk',
      '--ozone-platform=wayland',
    ]);
  });

  it('passes shellcheck', () => {
    expect(() => execFileSync('shellcheck', ['build/linux/launcher.sh'], { encoding: 'utf8' })).not.toThrow();
  });
});
