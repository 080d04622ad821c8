import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  homepage?: string;
  author?: { name?: string; email?: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const deb = config.deb as {
  depends: string[];
  afterInstall: string;
  afterRemove: string;
  packageName: string;
  maintainer?: string;
  fpm?: string[];
};
/** deb.fpm's file arguments, source → destination in the package (fpm: "source=destination"). */
const shipped = new Map(
  (deb.fpm ?? []).filter((a) => !a.startsWith('-')).map((a) => a.split('=', 2) as [string, string]),
);

describe('electron-builder.yml', () => {
  it('sets the fuses that stop the packaged app being used as a Node runtime or debug target', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs into an asar with native addons unpacked and other platforms of onnxruntime left out', () => {
    expect(config.asar).toBe(true);
    const unpack = config.asarUnpack as string[];
    for (const mod of ['better-sqlite3', 'onnxruntime-node', 'sharp']) {
      expect(
        unpack.some((p) => p.includes(mod)),
        mod,
      ).toBe(true);
    }
    expect(config.npmRebuild).toBe(false);
    // The barcode reader's WebAssembly is built beside the worker and read as a plain file.
    expect(unpack.some((p) => minimatch('dist/main/zxing_reader.wasm', p))).toBe(true);
  });

  it.each(['x64', 'arm64'])('packs only the linux/%s onnxruntime binary', (arch) => {
    // electron-builder expands ${arch} in file patterns, then applies them in order (minimatch).
    const patterns = (config.files as string[]).map((p) => p.replaceAll('${arch}', arch));
    // Production node_modules are packed unless a negated pattern drops them.
    const packed = (file: string) =>
      !patterns.some((p) => p.startsWith('!') && minimatch(file, p.slice(1), { dot: true }));
    const bin = (os: string, a: string) =>
      `node_modules/onnxruntime-node/bin/napi-v6/${os}/${a}/onnxruntime_binding.node`;
    const other = arch === 'x64' ? 'arm64' : 'x64';
    expect(packed(bin('linux', arch))).toBe(true);
    expect(packed(bin('linux', other))).toBe(false);
    expect(packed(bin('darwin', 'arm64'))).toBe(false);
    expect(packed(bin('win32', 'x64'))).toBe(false);
  });

  it("passes electron-builder's own configuration schema", async () => {
    // The validator electron-builder runs before every build (its internals: no public export).
    const require = createRequire(import.meta.url);
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (on: boolean) => unknown };
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    const broken = { ...structuredClone(config), deb: { depends: 'ffmpeg', afterInstal: 'x' } };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/configuration\.deb/);
  });

  it('makes x64 deb and AppImage packages by default (arm64 only on an arm64 machine); the deb needs ffmpeg, cage and socat', () => {
    const linux = config.linux as { executableName: string; target: Array<{ target: string; arch: string[] }> };
    expect(linux.executableName).toBe('rvm-kiosk');
    for (const target of ['deb', 'AppImage']) {
      expect(linux.target.find((t) => t.target === target)?.arch).toEqual(['x64']);
    }
    expect(deb.packageName).toBe('rvm-kiosk');
    expect(deb.depends).toEqual(expect.arrayContaining(['ffmpeg', 'cage', 'socat']));
    expect(deb.afterInstall).toBe('build/linux/postinst.sh');
    expect(deb.afterRemove).toBe('build/linux/postrm.sh');
    // From the project root (npm runs scripts there), for this machine's architecture.
    expect(pkg.scripts['pack:deb']).toBe('node scripts/build.mjs && electron-builder --linux deb');
  });

  it('has what the deb target refuses to build without: a homepage and a maintainer with an e-mail address', () => {
    // electron-builder: "Please specify project homepage" / "Please specify author 'email'".
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.author?.name).toBeTruthy();
    expect(pkg.author?.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
    expect(deb.maintainer).toMatch(/^[^<>]+ <[^@\s]+@[^@\s]+>$/);
  });

  it('the package owns the boot files (deb.fpm), in the vendor directories, and nothing under /etc', () => {
    expect(Object.fromEntries(shipped)).toEqual({
      'build/linux/rvm-kiosk.service': '/usr/lib/systemd/system/rvm-kiosk.service',
      'build/linux/70-rvm-kiosk.rules': '/usr/lib/udev/rules.d/70-rvm-kiosk.rules',
      'build/linux/rvm-kiosk-update': '/usr/sbin/rvm-kiosk-update',
      'build/linux/launcher.sh': '/usr/bin/rvm-kiosk',
      'build/linux/environment': '/usr/share/rvm-kiosk/environment',
    });
    for (const [source, destination] of shipped) {
      expect(existsSync(source), source).toBe(true);
      // fpm keeps the source file's mode.
      const executable = /\/s?bin\//.test(destination);
      expect(statSync(source).mode & 0o111, `${source} executable`).toBe(executable ? 0o111 : 0);
    }
    expect(deb.fpm).toContain('--before-remove=build/linux/prerm.sh');
    expect(statSync('build/linux/prerm.sh').mode & 0o111).not.toBe(0);
    // The files postinst used to copy out of the app's resources are gone from there.
    const extra = config.extraResources as Array<{ from: string }>;
    expect(extra.map((e) => e.from)).toEqual(['resources', 'models/manifest.example.json']);
  });

  it('runs the beforePack hook, loaded the way electron-builder loads it', async () => {
    expect(config.beforePack).toBe('./build/before-pack.mjs');
    const require = createRequire(import.meta.url);
    const { resolveFunction } = require('app-builder-lib/out/util/resolve.js') as {
      resolveFunction(type: unknown, executor: unknown, name: string, root: string): Promise<unknown>;
    };
    const hook = await resolveFunction('electron', config.beforePack, 'beforePack', process.cwd());
    expect(hook).toBeTypeOf('function');
  });
});

/** What electron-builder does to deb scripts: ${name} macros filled, any other braced name an error. */
function renderDebScript(path: string): string {
  const macros: Record<string, string> = {
    executable: 'rvm-kiosk',
    sanitizedProductName: 'RVM Kiosk',
    productFilename: 'rvm-kiosk',
  };
  return readFileSync(path, 'utf8').replace(/\$\{([a-zA-Z]+)\}/g, (_, name: string) => {
    if (!(name in macros)) throw new Error(`${path}: \${${name}} is not an electron-builder macro (write $${name})`);
    return macros[name]!;
  });
}

/** The maintainer scripts as the package carries them: electron-builder renders afterInstall and
 * afterRemove; fpm takes --before-remove as it is. */
const maintainerScripts = {
  postinst: () => renderDebScript('build/linux/postinst.sh'),
  postrm: () => renderDebScript('build/linux/postrm.sh'),
  prerm: () => readFileSync('build/linux/prerm.sh', 'utf8'),
  'rvm-kiosk-update': () => readFileSync('build/linux/rvm-kiosk-update', 'utf8'),
};

describe('build/linux (boot to app)', () => {
  it.each(Object.keys(maintainerScripts))('%s renders, is valid bash and passes shellcheck', (name) => {
    const script = maintainerScripts[name as keyof typeof maintainerScripts]();
    const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    // shellcheck is in .ci/run's packages; every finding, even style, fails the test.
    const lint = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '-'], {
      input: script,
      encoding: 'utf8',
    });
    expect(lint.error, 'shellcheck is not installed (apt-get install shellcheck)').toBeUndefined();
    expect(lint.stdout).toBe('');
    expect(lint.status).toBe(0);
  });

  it('prerm needs no macros: fpm gets it as it is', () => {
    expect(readFileSync('build/linux/prerm.sh', 'utf8')).not.toContain('${');
  });

  it('postinst creates the kiosk user with camera and serial access, and enables the unit without a running systemd', () => {
    const postinst = renderDebScript('build/linux/postinst.sh');
    expect(postinst).toContain("APP_DIR='/opt/RVM Kiosk'");
    expect(postinst).toMatch(/useradd --system .*rvm-kiosk|useradd --system[\s\S]*"\$KIOSK_USER"/);
    expect(postinst).toMatch(/for group in video render input dialout lp/);
    // Enabling is not behind the running-systemd test (image builds); packaging-deb.test.ts runs it.
    const enable = postinst.indexOf('deb-systemd-helper enable');
    expect(enable).toBeGreaterThan(0);
    expect(postinst.lastIndexOf('if [ -d /run/systemd/system ]', enable)).toBe(-1);
    // Deposits are never deleted by removing or purging the package.
    expect(readFileSync('build/linux/postrm.sh', 'utf8')).not.toMatch(/rm -rf? .*\/var\/lib\/rvm-kiosk(\s|\/|$)/m);
  });

  const unit = readFileSync('build/linux/rvm-kiosk.service', 'utf8');
  const directive = (name: string) =>
    unit
      .split('\n')
      .filter((l) => l.startsWith(`${name}=`))
      .map((l) => l.slice(name.length + 1));

  it('runs the app under cage on tty1 as the kiosk user, always restarted, with a watchdog', () => {
    expect(directive('User')).toEqual(['rvm-kiosk']);
    expect(directive('TTYPath')).toEqual(['/dev/tty1']);
    expect(directive('ExecStart')[0]).toMatch(/^\/usr\/bin\/cage -s -- \/usr\/bin\/rvm-kiosk\b/);
    expect(directive('Restart')).toEqual(['always']);
    expect(Number(directive('WatchdogSec')[0])).toBeGreaterThanOrEqual(30);
    // The app is cage's child, not the main PID.
    expect(directive('NotifyAccess')).toEqual(['all']);
    expect(directive('SupplementaryGroups')[0]).toMatch(/video.*dialout|dialout.*video/);
    expect(directive('Environment')).toContain('RVM_DATA_DIR=/var/lib/rvm-kiosk');
  });

  it('passes systemd-analyze verify (with cage installed: .ci/run installs it)', () => {
    const which = spawnSync('sh', ['-c', 'command -v systemd-analyze']);
    if (which.status !== 0) {
      console.warn('systemd-analyze is not installed: unit file lint skipped');
      return;
    }
    const cage = spawnSync('sh', ['-c', 'command -v cage']).status === 0;
    const run = spawnSync('systemd-analyze', ['verify', 'build/linux/rvm-kiosk.service'], { encoding: 'utf8' });
    const problems = `${run.stdout}${run.stderr}`
      .split('\n')
      .filter((l) => l.trim() !== '')
      // Only where cage is missing (a developer's machine): its ExecStart cannot be checked then.
      .filter((l) => cage || !/Command \/usr\/bin\/cage is not executable/.test(l));
    if (!cage) console.warn('cage is not installed: systemd-analyze verify could not check ExecStart');
    expect(problems).toEqual([]);
    expect(run.status).toBe(0);
  });

  it('gives the kiosk user the cameras and the controller serial ports', () => {
    const rules = readFileSync('build/linux/70-rvm-kiosk.rules', 'utf8');
    expect(rules).toMatch(/SUBSYSTEM=="video4linux".*GROUP="video"/);
    expect(rules).toMatch(/KERNEL=="ttyUSB\[0-9\]\*".*GROUP="dialout"/);
    expect(rules).toMatch(/KERNEL=="ttyACM\[0-9\]\*".*GROUP="dialout"/);
    const udevadm = spawnSync('sh', ['-c', 'command -v udevadm']);
    if (udevadm.status === 0) {
      const run = spawnSync('udevadm', ['verify', 'build/linux/70-rvm-kiosk.rules'], { encoding: 'utf8' });
      // udevadm verify exists from systemd 254; older ones say "Unknown command".
      if (!/Unknown (command|verb)/i.test(run.stderr)) expect(run.status, run.stderr).toBe(0);
    }
  });

  it('points at the built main entry and pins every dependency exactly', () => {
    expect(pkg.main).toBe('dist/main/electron-main.js');
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(pkg.devDependencies.node).toMatch(/^24\./);
    expect(pkg.devDependencies.electron).toBeDefined();
    expect(pkg.dependencies.electron).toBeUndefined();
  });
});
