// build/before-pack.mjs (electron-builder's beforePack hook) on made-up project trees: it refuses to pack
// an architecture whose native modules are not installed, and a deb whose fpm files cannot be found.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import beforePack, { packProblems } from '../../build/before-pack.mjs';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A project with sharp and its packages for the given architectures, and a better-sqlite3 compiled for one. */
function project({ sharp = [] as string[], sqlite }: { sharp?: string[]; sqlite?: 'x64' | 'arm64' }) {
  const dir = mkdtempSync(join(tmpdir(), 'rvm-before-pack-'));
  dirs.push(dir);
  for (const arch of sharp) {
    for (const name of [`sharp-linux-${arch}`, `sharp-libvips-linux-${arch}`]) {
      mkdirSync(join(dir, 'node_modules/@img', name), { recursive: true });
      writeFileSync(join(dir, 'node_modules/@img', name, 'package.json'), '{}');
    }
  }
  mkdirSync(join(dir, 'node_modules/sharp'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/sharp/package.json'), '{"version":"0.35.5"}');
  if (sqlite) {
    const release = join(dir, 'node_modules/better-sqlite3/build/Release');
    mkdirSync(release, { recursive: true });
    // The first 20 bytes of an ELF64 little-endian shared object: magic, class, data, …, e_machine.
    const header = Buffer.alloc(64);
    header.writeUInt32BE(0x7f454c46, 0);
    header[4] = 2;
    header[5] = 1;
    header.writeUInt16LE(3, 16);
    header.writeUInt16LE(sqlite === 'x64' ? 62 : 183, 18);
    writeFileSync(join(release, 'better_sqlite3.node'), header);
  }
  mkdirSync(join(dir, 'build/linux'), { recursive: true });
  writeFileSync(join(dir, 'build/linux/prerm.sh'), '#!/bin/sh\n');
  writeFileSync(join(dir, 'build/linux/rvm-kiosk.service'), '[Unit]\n');
  return dir;
}

const fpm = ['--before-remove=build/linux/prerm.sh', 'build/linux/rvm-kiosk.service=/usr/lib/systemd/system/x.service'];

describe('beforePack: native modules of the architecture being packed', () => {
  it('refuses arm64 on an x64 machine without sharp’s arm64 packages, saying what to do', () => {
    const dir = project({ sharp: ['x64'], sqlite: 'x64' });
    const problems = packProblems({ arch: 3, projectDir: dir, hostArch: 'x64' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('@img/sharp-linux-arm64 and @img/sharp-libvips-linux-arm64 are not installed');
    expect(problems[0]).toContain('on an arm64 machine');
    expect(problems[0]).toContain('npm install --no-save --os=linux --cpu=arm64 --libc=glibc sharp@0.35.5');
    expect(problems[1]).toContain('better-sqlite3/build/Release holds a binding compiled for x64');
  });

  it('packs arm64 on an x64 machine once sharp’s arm64 packages are there and better-sqlite3 uses its prebuilds', () => {
    expect(packProblems({ arch: 'arm64', projectDir: project({ sharp: ['arm64'] }), hostArch: 'x64' })).toEqual([]);
    const compiledHere = project({ sharp: ['x64', 'arm64'], sqlite: 'x64' });
    expect(packProblems({ arch: 'arm64', projectDir: compiledHere, hostArch: 'x64' })).toEqual([
      expect.stringContaining('compiled for x64'),
    ]);
  });

  it('packs arm64 on an arm64 machine, and x64 on an x64 one', () => {
    expect(
      packProblems({ arch: 3, projectDir: project({ sharp: ['arm64'], sqlite: 'arm64' }), hostArch: 'arm64' }),
    ).toEqual([]);
    expect(packProblems({ arch: 1, projectDir: project({ sharp: ['x64'], sqlite: 'x64' }), hostArch: 'x64' })).toEqual(
      [],
    );
    // better-sqlite3 not built (installed without scripts): not this hook's to judge.
    expect(packProblems({ arch: 1, projectDir: project({ sharp: ['x64'] }), hostArch: 'x64' })).toEqual([]);
  });

  it('asks for npm ci when this machine’s own sharp packages are missing', () => {
    const problems = packProblems({ arch: 1, projectDir: project({}), hostArch: 'x64' });
    expect(problems).toEqual([expect.stringContaining('Run npm ci')]);
  });

  it('refuses architectures the kiosk is not made for', () => {
    expect(packProblems({ arch: 2, projectDir: project({}), hostArch: 'x64' })).toEqual([
      'RVM Kiosk is packaged for x64 and arm64 only, not armv7l.',
    ]);
  });

  it('is what electron-builder calls: it throws every problem at once', async () => {
    const dir = project({ sharp: ['x64'], sqlite: 'x64' });
    const context = {
      arch: 3,
      targets: [{ name: 'deb' }],
      packager: { projectDir: dir, config: { deb: { fpm } } },
    };
    await expect(beforePack(context)).rejects.toThrow(/sharp-linux-arm64[\s\S]*compiled for x64/);
  });
});

describe('beforePack: deb.fpm files, which fpm reads relative to its working directory', () => {
  it('passes from the project root and refuses from anywhere else', () => {
    const dir = project({ sharp: ['x64'] });
    const check = (cwd: string) =>
      packProblems({ arch: 1, projectDir: dir, hostArch: 'x64', targets: ['deb'], fpm, cwd });
    expect(check(dir)).toEqual([]);
    const elsewhere = check(tmpdir());
    expect(elsewhere).toHaveLength(2);
    expect(elsewhere[0]).toContain('The deb would miss build/linux/prerm.sh');
    expect(elsewhere[0]).toContain(`Run electron-builder from the project root (${dir})`);
    // An AppImage does not use fpm.
    expect(
      packProblems({ arch: 1, projectDir: dir, hostArch: 'x64', targets: ['appImage'], fpm, cwd: tmpdir() }),
    ).toEqual([]);
  });
});
